import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { graphErrors } from './errors';
import { isJsonObject, type Json, type JsonObject } from './json';

export type GraphVersion = 'v1.0' | 'beta';

/** One Graph call, parsed once by the server and handed to the route handlers. */
export interface GraphRequest {
  method: string;
  version: GraphVersion;
  /** Decoded path segments after the version, e.g. ['roleManagement', 'directory', "filterByCurrentUser(on='principal')"]. */
  segments: string[];
  /** Path as received, with the version prefix, without the query, e.g. '/v1.0/me'. */
  pathname: string;
  /** Raw query string without '?', as received. */
  rawQuery: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Json | undefined;
  /** True when a body was sent but was not JSON. */
  bodyUnreadable: boolean;
  requestId: string;
  clientRequestId: string;
  /** 'https://127.0.0.1:PORT' */
  baseUrl: string;
}

export interface GraphResponse {
  status: number;
  body?: Json;
  headers?: Record<string, string>;
}

export function ok(body: Json, status = 200): GraphResponse {
  return { status, body };
}

export function noContent(): GraphResponse {
  return { status: 204 };
}

/** The JSON object body of a POST/PATCH, or Graph's 400 when it is missing or not JSON. */
export function jsonBody(req: GraphRequest): JsonObject {
  if (req.bodyUnreadable || !isJsonObject(req.body)) throw graphErrors.unreadableBody();
  return req.body;
}

/** Graph's query options may be written with or without the '$' prefix. */
export function queryOption(req: GraphRequest, name: string): string | undefined {
  return req.query.get(`$${name}`) ?? req.query.get(name) ?? undefined;
}

export async function readBody(req: IncomingMessage, limit = 1_048_576): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) throw new Error('Request body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function parseJsonBody(text: string): { body: Json | undefined; unreadable: boolean } {
  if (text.trim() === '') return { body: undefined, unreadable: false };
  try {
    return { body: JSON.parse(text) as Json, unreadable: false };
  } catch {
    return { body: undefined, unreadable: true };
  }
}

export function writeJson(
  res: ServerResponse,
  status: number,
  body: Json | undefined,
  headers: Record<string, string> = {},
): void {
  if (body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type':
      'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8',
    'Content-Length': Buffer.byteLength(text).toString(),
    ...headers,
  });
  res.end(text);
}
