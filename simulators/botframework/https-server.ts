import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { issueServerCertificate, type CertificateAuthority } from '../tls/certificate-authority';

export type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void;

/** An HTTPS stand-in on loopback, with a certificate from the local CA (as the Entra and Graph stand-ins). */
export interface RunningHttps {
  url: string;
  close(): Promise<void>;
}

export async function startHttps(ca: CertificateAuthority, handler: Handler, port = 0): Promise<RunningHttps> {
  const certificate = issueServerCertificate(ca);
  const server: Server = createServer({ cert: certificate.certPem, key: certificate.keyPem });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    Promise.resolve(handler(req, res, new URL(req.url ?? '/', url))).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { code: 'ServiceError', message: String(err) } });
    });
  });
  return {
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

const MAX_BODY_BYTES = 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new Error('Request body too large.');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** The bearer token of a request, if it has one. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}
