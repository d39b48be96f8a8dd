import type { TokenCredential } from '@azure/identity';
import { Client, GraphError, HTTPMessageHandler, type Middleware } from '@microsoft/microsoft-graph-client';
import { ClaimsChallengeAuthMiddleware, INSUFFICIENT_CLAIMS } from './claims-challenge-auth';
import {
  BudgetedRetryMiddleware,
  DEFAULT_RETRY_POLICY,
  type GraphCallObserver,
  ObservingMiddleware,
  parseRetryAfter,
  type RetryPolicy,
} from './graph-middleware';
import { PUBLIC_CLOUD } from '../config';
import type { GraphFailure } from './pim-error';

export type GraphVersion = 'v1.0' | 'beta';

export interface GraphTransportOptions {
  credential: TokenCredential;
  /** Graph root without version: https://graph.microsoft.com, or the simulator. */
  graphBaseUrl: string;
  retry?: RetryPolicy;
  observer?: GraphCallObserver;
  /** Upper bound on @odata.nextLink pages followed by one list call. */
  maxPages?: number;
}

/** Thrown by the transport; the PIM client turns it into a PimError with the call's context. */
export class GraphCallFailed extends Error {
  constructor(readonly failure: GraphFailure) {
    super(`Graph HTTP ${failure.httpStatus} ${failure.code ?? ''}: ${failure.message ?? ''}`);
    this.name = 'GraphCallFailed';
  }
}

interface Page<T> {
  value?: T[];
  '@odata.nextLink'?: string;
}

/** Every consented permission of the global cloud's Graph (the only cloud supported: config/public-cloud.ts). */
const GRAPH_SCOPE = PUBLIC_CLOUD.graphScope;

/**
 * The one place that talks HTTP to Graph: @microsoft/microsoft-graph-client with an @azure/identity
 * credential, budgeted retries, paging, and failures reduced to GraphFailure.
 */
export class GraphTransport {
  private readonly client: Client;
  private readonly maxPages: number;

  constructor(options: GraphTransportOptions) {
    const base = new URL(options.graphBaseUrl);
    const chain: Middleware[] = [
      // Token on each call, and the CAE claims challenge met once (401 insufficient_claims).
      new ClaimsChallengeAuthMiddleware(options.credential, [GRAPH_SCOPE], base.hostname),
      new BudgetedRetryMiddleware(options.retry ?? DEFAULT_RETRY_POLICY),
    ];
    if (options.observer) chain.push(new ObservingMiddleware(options.observer));
    chain.push(new HTTPMessageHandler());
    for (let i = 0; i < chain.length - 1; i++) chain[i]?.setNext?.(chain[i + 1]!);
    this.client = Client.initWithMiddleware({
      middleware: chain[0],
      baseUrl: `${base.origin}/`,
      defaultVersion: 'v1.0',
      // The Graph client attaches the token only to Graph hosts; a sovereign cloud or the simulator
      // must be named (hostname, no port).
      customHosts: new Set([base.hostname]),
    });
    this.maxPages = options.maxPages ?? 50;
  }

  /** `headers`: request headers Graph asks for on some queries (ConsistencyLevel for advanced directory queries). */
  async get<T>(path: string, version: GraphVersion = 'v1.0', headers?: Record<string, string>): Promise<T> {
    return this.call(() => {
      const request = this.client.api(path).version(version);
      return (headers ? request.headers(headers) : request).get();
    });
  }

  /** Every item of a collection, following @odata.nextLink verbatim (each page sent with the same `headers`). */
  async list<T>(path: string, version: GraphVersion = 'v1.0', headers?: Record<string, string>): Promise<T[]> {
    const items: T[] = [];
    let page: Page<T> = await this.get<Page<T>>(path, version, headers);
    for (let pages = 1; ; pages++) {
      items.push(...(page.value ?? []));
      const next = page['@odata.nextLink'];
      if (!next) return items;
      if (pages >= this.maxPages) {
        throw new GraphCallFailed({
          httpStatus: 0,
          code: 'TooManyPages',
          message: `Stopped after ${pages} pages of ${path}`,
          requestId: null,
          retryAfterSeconds: null,
        });
      }
      page = await this.call(() => (headers ? this.client.api(next).headers(headers) : this.client.api(next)).get());
    }
  }

  /**
   * One page of a collection: a path (first page) or an @odata.nextLink followed verbatim. For reads that
   * page across ticks (the watcher's reconciliation), where `list`'s page limit would fail the whole read.
   */
  async page<T>(
    pathOrNextLink: string,
    version: GraphVersion = 'v1.0',
  ): Promise<{ items: T[]; nextLink: string | null }> {
    const page = /^https:\/\//i.test(pathOrNextLink)
      ? await this.call<Page<T>>(() => this.client.api(pathOrNextLink).get())
      : await this.get<Page<T>>(pathOrNextLink, version);
    return { items: page.value ?? [], nextLink: page['@odata.nextLink'] ?? null };
  }

  async post<T>(path: string, body: unknown, version: GraphVersion = 'v1.0'): Promise<T> {
    return this.call(() => this.client.api(path).version(version).post(body));
  }

  async patch(path: string, body: unknown, version: GraphVersion = 'v1.0'): Promise<void> {
    await this.call(() => this.client.api(path).version(version).patch(body));
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw new GraphCallFailed(toFailure(err));
    }
  }
}

function toFailure(err: unknown): GraphFailure {
  if (err instanceof GraphError) {
    const body = typeof err.body === 'string' ? safeJson(err.body) : err.body;
    const inner = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    // statusCode -1: no HTTP answer. Either the credential failed (Entra refused the token request,
    // e.g. interaction_required for a step-up) or the network did.
    const authFailure =
      err.statusCode <= 0 && (/Authentication|Credential/.test(err.code ?? '') || err.code === INSUFFICIENT_CLAIMS);
    return {
      httpStatus: err.statusCode > 0 ? err.statusCode : authFailure ? 401 : 503,
      code: typeof inner?.code === 'string' ? inner.code : err.code,
      message: typeof inner?.message === 'string' ? inner.message : err.message,
      requestId: err.requestId ?? err.headers?.get('request-id') ?? null,
      retryAfterSeconds: parseRetryAfter(err.headers?.get('Retry-After') ?? null),
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  // @azure/identity failures (expired assertion, step-up needed) surface here too.
  const authFailure =
    err instanceof Error && /AuthenticationRequiredError|CredentialUnavailableError|AuthenticationError/.test(err.name);
  return {
    httpStatus: authFailure ? 401 : 503,
    code: authFailure ? err.name : 'NetworkError',
    message,
    requestId: null,
    retryAfterSeconds: null,
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
