import type { Context, Middleware } from '@microsoft/microsoft-graph-client';

/** One Graph call as seen on the wire, for logs, metrics and contract checks. Never holds headers. */
export interface GraphExchangeRecord {
  method: string;
  url: string;
  status: number;
  durationMs: number;
  /** Graph's request-id response header: what Microsoft support asks for. */
  requestId: string | null;
  attempt: number;
  requestBody?: unknown;
  responseBody?: unknown;
}

export interface GraphCallObserver {
  /** Bodies are parsed only when asked for (tests, debugging): it costs a clone per call. */
  readonly wantsBodies: boolean;
  onExchange(record: GraphExchangeRecord): void;
}

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Total time the retries may wait, all attempts together. */
  maxTotalWaitMs: number;
  /** Wait when Graph sends no Retry-After: base * 2^attempt. */
  baseDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 3, maxTotalWaitMs: 30_000, baseDelayMs: 1_000 };

const RETRYABLE = new Set([429, 503, 504]);

/**
 * 429 and 503 say the service did not take the request ("You may repeat the request after a delay", Graph's
 * HTTP status codes, DOCS resources/errors.md), so any method may be sent again. A 504 only says a gateway
 * stopped waiting: the service behind it may still have created the activation or recorded the decision, so
 * only reads are sent again after one.
 */
function mayResend(status: number, method: string | undefined): boolean {
  if (status === 504) return (method ?? 'GET').toUpperCase() === 'GET';
  return RETRYABLE.has(status);
}

abstract class ChainedMiddleware implements Middleware {
  protected next: Middleware | undefined;
  setNext(next: Middleware): void {
    this.next = next;
  }
  abstract execute(context: Context): Promise<void>;
  protected async callNext(context: Context): Promise<void> {
    if (!this.next) throw new Error('Graph middleware chain is missing its HTTP handler.');
    await this.next.execute(context);
  }
}

/** Seconds from a Retry-After header (delta-seconds or HTTP date), or null. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, (at - now) / 1000);
}

/**
 * Retries throttling (429) and unavailability (503, 504) honoring Retry-After, within a total wait
 * budget, so a user turn never hangs for minutes. A 429/503 means Graph did not act on the request,
 * so resending a POST cannot create a duplicate; a 504 is resent for reads only (see mayResend). When the budget runs out the last response is
 * returned and becomes a Throttled/Unavailable error with Graph's Retry-After.
 */
export class BudgetedRetryMiddleware extends ChainedMiddleware {
  constructor(
    private readonly policy: RetryPolicy,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    super();
  }

  async execute(context: Context): Promise<void> {
    let waited = 0;
    for (let attempt = 0; ; attempt++) {
      await this.callNext(context);
      const res = context.response;
      if (!res || !mayResend(res.status, context.options?.method) || attempt >= this.policy.maxRetries) return;
      if (context.options?.body !== undefined && typeof context.options.body !== 'string') return; // a stream cannot be resent
      const retryAfter = parseRetryAfter(res.headers.get('Retry-After'));
      const delay = retryAfter !== null ? retryAfter * 1000 : this.policy.baseDelayMs * 2 ** attempt;
      if (waited + delay > this.policy.maxTotalWaitMs) return;
      await res.body?.cancel().catch(() => undefined);
      await this.sleep(delay);
      waited += delay;
      const headers = new Headers((context.options?.headers as ConstructorParameters<typeof Headers>[0]) ?? undefined);
      headers.set('Retry-Attempt', String(attempt + 1));
      context.options = { ...context.options, headers };
    }
  }
}

/** Reports each attempt to an observer (structured logs, tests' contract checks). */
export class ObservingMiddleware extends ChainedMiddleware {
  private attempts = new WeakMap<Context, number>();

  constructor(private readonly observer: GraphCallObserver) {
    super();
  }

  async execute(context: Context): Promise<void> {
    const started = performance.now();
    const attempt = (this.attempts.get(context) ?? 0) + 1;
    this.attempts.set(context, attempt);
    await this.callNext(context);
    const res = context.response;
    if (!res) return;
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    const record: GraphExchangeRecord = {
      method: (context.options?.method ?? 'GET').toUpperCase(),
      url,
      status: res.status,
      durationMs: performance.now() - started,
      requestId: res.headers.get('request-id'),
      attempt,
    };
    if (this.observer.wantsBodies) {
      record.requestBody = parseJson(typeof context.options?.body === 'string' ? context.options.body : undefined);
      const text = await res.clone().text();
      record.responseBody = parseJson(text);
    }
    this.observer.onExchange(record);
  }
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
