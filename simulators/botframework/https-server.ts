import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { type CertificateAuthority, issueServerCertificate } from '../tls/certificate-authority';
import { sendJson } from '../entra/http';

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

// Body reading and JSON answers as the Entra stand-in does them (one implementation).
export { readBody, sendJson } from '../entra/http';

/** The bearer token of a request, if it has one. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}
