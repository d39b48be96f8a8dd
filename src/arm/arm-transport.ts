import { DEFAULT_RETRY_POLICY, parseRetryAfter, type RetryPolicy } from '../pim/graph-middleware';
import type { ArmFailure } from './arm-error';
import { ARM_USER_IMPERSONATION_SCOPE, type ArmTokenSource } from './arm-token-source';

/**
 * The one place that talks HTTP to Azure Resource Manager: the token on each call (to the ARM host only), one
 * retry after a claims challenge the token source can meet, budgeted retries of 429/503/504 honouring
 * Retry-After, `nextLink` paging, and failures reduced to ArmFailure. No Graph SDK: ARM is plain JSON over HTTPS.
 */

export interface ArmTransportOptions {
  /** https://management.azure.com, or the simulator. */
  baseUrl: string;
  token: ArmTokenSource;
  retry?: RetryPolicy;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Upper bound on nextLink pages followed by one list call. */
  maxPages?: number;
}

export class ArmCallFailed extends Error {
  constructor(readonly failure: ArmFailure) {
    super(`ARM HTTP ${failure.httpStatus} ${failure.code ?? ''}: ${failure.message ?? ''}`);
    this.name = 'ArmCallFailed';
  }
}

/** 429 and 503/504 mean ARM did not act on the call (request-limits-and-throttling), so resending cannot duplicate. */
const RETRYABLE = new Set([429, 503, 504]);

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

/** Claims from `WWW-Authenticate: Bearer …, error="insufficient_claims", claims="<base64 JSON>"` (ARM-PIM.md §2). */
export function challengeClaims(status: number, header: string | null): string | null {
  if (status !== 401 || !header || !/error="insufficient_claims"/i.test(header)) return null;
  const encoded = /claims="([^"]+)"/i.exec(header)?.[1];
  if (!encoded) return null;
  try {
    const json = Buffer.from(encoded, 'base64').toString('utf8');
    JSON.parse(json);
    return json;
  } catch {
    return null;
  }
}

export class ArmTransport {
  private readonly base: URL;
  private readonly policy: RetryPolicy;
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxPages: number;

  constructor(private readonly options: ArmTransportOptions) {
    this.base = new URL(options.baseUrl);
    this.policy = options.retry ?? DEFAULT_RETRY_POLICY;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.maxPages = options.maxPages ?? 20;
  }

  /** `path` is `{scope}/providers/…` (scope pasted unencoded, ARM-PIM.md §1); `query` without api-version. */
  url(path: string, apiVersion: string, query: Record<string, string> = {}): string {
    const q = new URLSearchParams({ ...query, 'api-version': apiVersion });
    return `${this.base.origin}${path}?${q.toString()}`;
  }

  async request<T>(method: string, url: string, body?: unknown): Promise<T> {
    return (await this.send(method, url, body)).body as T;
  }

  /** Every item of a list, following `nextLink` verbatim, only on the ARM host (the token never leaves it). */
  async list<T>(url: string): Promise<T[]> {
    const items: T[] = [];
    let next: string | undefined = url;
    for (let pages = 0; next; pages++) {
      if (pages >= this.maxPages)
        throw new ArmCallFailed(failure(0, 'TooManyPages', `Stopped after ${pages} pages`, null));
      if (new URL(next).origin !== this.base.origin)
        throw new ArmCallFailed(failure(0, 'ForeignNextLink', 'nextLink points to another host', null));
      const page: { value?: T[]; nextLink?: string | null } = await this.request('GET', next);
      items.push(...(page.value ?? []));
      next = page.nextLink ?? undefined;
    }
    return items;
  }

  private async send(method: string, url: string, body: unknown): Promise<Answer> {
    let waited = 0;
    let claims: string | undefined;
    for (let attempt = 0; ; attempt++) {
      const token = await this.token(claims);
      let res: Response;
      try {
        res = await this.fetch(url, {
          method,
          headers: {
            Authorization: `Bearer ${token}`,
            Accept: 'application/json',
            ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      } catch (err) {
        // No answer: for a read, retry within the budget; a write may have landed, so the caller decides.
        if (
          method === 'GET' &&
          attempt < this.policy.maxRetries &&
          waited + this.policy.baseDelayMs <= this.policy.maxTotalWaitMs
        ) {
          await this.sleep(this.policy.baseDelayMs);
          waited += this.policy.baseDelayMs;
          continue;
        }
        throw new ArmCallFailed(failure(0, 'NetworkError', err instanceof Error ? err.message : String(err), null));
      }
      const answer = await read(res);
      if (res.ok) return answer;
      const challenge = challengeClaims(res.status, res.headers.get('WWW-Authenticate'));
      if (challenge && claims === undefined) {
        claims = challenge; // one new token for these claims, then the same call once more
        continue;
      }
      const retryAfter = parseRetryAfter(res.headers.get('Retry-After'));
      if (RETRYABLE.has(res.status) && attempt < this.policy.maxRetries) {
        const delay = retryAfter !== null ? retryAfter * 1000 : this.policy.baseDelayMs * 2 ** attempt;
        if (waited + delay <= this.policy.maxTotalWaitMs) {
          await this.sleep(delay);
          waited += delay;
          continue;
        }
      }
      const err = (answer.body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
      throw new ArmCallFailed({
        ...failure(
          res.status,
          typeof err?.code === 'string' ? err.code : null,
          typeof err?.message === 'string' ? err.message : null,
          res.headers.get('x-ms-request-id'),
        ),
        retryAfterSeconds: retryAfter,
        challengeClaims: challenge,
      });
    }
  }

  private async token(claims: string | undefined): Promise<string> {
    try {
      return await this.options.token({ scope: ARM_USER_IMPERSONATION_SCOPE, ...(claims ? { claims } : {}) });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new ArmCallFailed({
        ...failure(401, claims ? 'InteractionRequired' : 'TokenUnavailable', message, null),
        challengeClaims: claims ?? null,
      });
    }
  }
}

function failure(
  httpStatus: number,
  code: string | null,
  message: string | null,
  requestId: string | null,
): ArmFailure {
  return { httpStatus, code, message, requestId, retryAfterSeconds: null };
}

async function read(res: Response): Promise<Answer> {
  const text = await res.text();
  let body: unknown;
  if (text !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: res.status, headers: res.headers, body };
}
