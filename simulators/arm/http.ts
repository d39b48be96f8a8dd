import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Json } from '../graph/json';

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

export function parseJson(text: string): { body: Json | undefined; unreadable: boolean } {
  if (text.trim() === '') return { body: undefined, unreadable: false };
  try {
    return { body: JSON.parse(text) as Json, unreadable: false };
  } catch {
    return { body: undefined, unreadable: true };
  }
}

/** JSON with ARM's content type; no body at all when `body` is undefined (cancel's 200, ARM-PIM.md §3.4). */
export function writeJson(
  res: ServerResponse,
  status: number,
  body: Json | undefined,
  headers: Record<string, string> = {},
): void {
  if (body === undefined) {
    res.writeHead(status, { 'Content-Length': '0', ...headers });
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text).toString(),
    ...headers,
  });
  res.end(text);
}
