import type { IncomingMessage } from 'node:http';

/**
 * The body of the authority's form_post to /auth/callback (application/x-www-form-urlencoded: code, state,
 * session_state, or error + error_description). The server only parses JSON, so the callback reads this
 * itself. An authorization code is a few kilobytes at most; anything larger than the cap is refused.
 */
export const MAX_CALLBACK_FORM_BYTES = 32 * 1024;

export type FormBodyResult = { kind: 'form'; fields: URLSearchParams } | { kind: 'not-a-form' } | { kind: 'too-large' };

type RequestWithBody = IncomingMessage & { body?: unknown; _readBody?: boolean };

export async function readCallbackForm(
  req: RequestWithBody,
  maxBytes = MAX_CALLBACK_FORM_BYTES,
): Promise<FormBodyResult> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') return { kind: 'not-a-form' };
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return { kind: 'too-large' };

  let raw: Buffer;
  if (req._readBody) {
    // restify's bodyReader (server.ts) got here first, within MAX_BODY_BYTES.
    const body = req.body;
    raw = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : '', 'utf8');
  } else {
    const read = await readAtMost(req, maxBytes);
    if (!read) return { kind: 'too-large' };
    raw = read;
  }
  if (raw.length > maxBytes) return { kind: 'too-large' };
  return { kind: 'form', fields: new URLSearchParams(raw.toString('utf8')) };
}

/** The request's bytes, or undefined (and the rest left unread) once more than maxBytes arrive. */
function readAtMost(req: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        req.pause();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}
