import { Agent, request } from 'node:http';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Shared plumbing of the abuse and fault suite: a bounded-concurrency runner, a figure printer (one line a
 * check, so the numbers can be quoted), botbuilder's console noise counted instead of printed, and the
 * shapes a response body must never have.
 */

/** Runs `task` over `items` with at most `concurrency` in flight; results in input order. */
export async function pool<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<R>,
) {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await task(items[i]!, i);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/**
 * Raw HTTP/1.1 client on a keep-alive agent: any body, any (or no) content type, bad JSON included, and
 * about twice the throughput of fetch on this 2-core machine (the bot and the client share one thread).
 */
export function httpClient(maxSockets = 20) {
  const agent = new Agent({ keepAlive: true, maxSockets });
  return {
    post(url: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<HttpResult> {
      return new Promise((resolve, reject) => {
        const req = request(
          url,
          { method: 'POST', agent, headers: { 'content-length': Buffer.byteLength(body), ...headers } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                body: Buffer.concat(chunks).toString('utf8'),
                headers: res.headers,
              }),
            );
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    },
    get(url: string): Promise<HttpResult> {
      return new Promise((resolve, reject) => {
        request(url, { agent }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
              headers: res.headers,
            }),
          );
        })
          .on('error', reject)
          .end();
      });
    },
    close: () => agent.destroy(),
  };
}

export interface HttpResult {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Prints one figure line ("forged-jwt: 1000 sent, 0 accepted"), the form the report quotes. */
export function figure(name: string, text: string): void {
  console.log(`${name}: ${text}`);
}

/**
 * botbuilder writes straight to the console (CloudAdapter logs every refused request with console.error,
 * validation prints console.warn): counted, not printed, while abuse traffic runs.
 */
export function muteConsole(): { errors: () => number; warnings: () => number; restore: () => void } {
  let errors = 0;
  let warnings = 0;
  // Plain replacements, not vi.spyOn: a spy's call log would keep every error object botbuilder prints.
  const { error, warn } = console;
  console.error = () => void errors++;
  console.warn = () => void warnings++;
  return {
    errors: () => errors,
    warnings: () => warnings,
    restore() {
      console.error = error;
      console.warn = warn;
    },
  };
}

/** A V8 stack frame ("    at fn (file.js:1:2)") or a file path with line numbers: never in a response body. */
export const STACK_TRACE = /\n\s+at\s|\bat\s+\S+\s+\([^)]*:\d+:\d+\)|(?:\/|\\)[\w.-]+\.(?:js|ts|mjs|cjs):\d+:\d+/;

/** RSS in MB. */
export function rssMb(): number {
  return process.memoryUsage().rss / 1_048_576;
}

/** Live heap in MB after a full collection (V8's gc, exposed at run time: vitest's workers start without it). */
export function liveHeapMb(): number {
  v8.setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1_048_576;
}

export function tally<T extends string | number>(values: readonly T[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[String(v)] = (out[String(v)] ?? 0) + 1;
  return out;
}

/** "kind Nx {status: count}" for each kind, in first-seen order. */
export function breakdown<T>(items: readonly T[], kind: (t: T) => string, status: (t: T) => number): string[] {
  const groups = new Map<string, number[]>();
  for (const item of items) {
    const k = kind(item);
    const list = groups.get(k) ?? [];
    list.push(status(item));
    groups.set(k, list);
  }
  return [...groups].map(([k, statuses]) => `${k} ${statuses.length}x ${JSON.stringify(tally(statuses))}`);
}
