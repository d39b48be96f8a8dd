import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Caller } from './auth';
import type { HandlerContext } from './context';
import { handleControl } from './control';
import { errorEnvelope, GraphError, graphErrors } from './errors';
import { type GraphRequest, type GraphResponse, type GraphVersion, parseJsonBody, readBody, writeJson } from './http';
import { newGuid } from './ids';
import type { Router } from './router';
import { checkSessionRevocation } from './session-revocation';
import type { FaultSpec, SimState } from './state';

export interface PipelineDeps {
  state: SimState;
  router: Router<HandlerContext>;
  verify: (authorization: string | undefined) => Promise<Caller>;
  logger: Logger;
  requireCp1ForAcrs: boolean;
  baseUrl: () => string;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function decodeSegments(path: string): string[] {
  try {
    return path.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    throw graphErrors.badRequest('The request URI is not valid.');
  }
}

/** Consumes one queued status fault, if any, for this Graph call. */
function takeStatusFault(state: SimState): Extract<FaultSpec, { kind: 'status' }> | undefined {
  const fault = state.faults.find(
    (f): f is Extract<FaultSpec, { kind: 'status' }> => f.kind === 'status' && f.count > 0,
  );
  if (!fault) return undefined;
  fault.count -= 1;
  if (fault.count === 0) state.faults = state.faults.filter((f) => f !== fault);
  return fault;
}

async function applyLatency(state: SimState): Promise<void> {
  const fault = state.faults.find((f): f is Extract<FaultSpec, { kind: 'latency' }> => f.kind === 'latency');
  if (!fault) return;
  if (fault.count !== undefined) {
    fault.count -= 1;
    if (fault.count <= 0) state.faults = state.faults.filter((f) => f !== fault);
  }
  await sleep(fault.ms);
}

function faultError(fault: Extract<FaultSpec, { kind: 'status' }>): GraphError {
  const headers: Record<string, string> =
    fault.retryAfterSeconds !== undefined ? { 'Retry-After': String(fault.retryAfterSeconds) } : {};
  if (fault.status === 504) {
    return new GraphError(504, 'GatewayTimeout', 'The gateway did not receive a timely response.', headers);
  }
  return fault.status === 429
    ? new GraphError(
        429,
        'TooManyRequests',
        'Too many requests. Please retry after the time given in the Retry-After header.',
        headers,
      )
    : new GraphError(503, 'ServiceUnavailable', 'The service is temporarily unavailable. Please retry later.', headers);
}

/** One HTTPS request: control API under /_sim, otherwise a Graph call (faults, token, route, handler). */
export function createRequestListener(deps: PipelineDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { state, logger } = deps;

  async function handleGraph(req: IncomingMessage, res: ServerResponse, url: string, requestId: string): Promise<void> {
    const header = req.headers['client-request-id'];
    const clientRequestId = (Array.isArray(header) ? header[0] : header) || requestId;
    const ids = { 'request-id': requestId, 'client-request-id': clientRequestId };
    const [rawPath = '/', ...rest] = url.split('?');
    const rawQuery = rest.join('?');
    let status = 500;
    let principalId: string | undefined;
    let callerKind: 'user' | 'app' | undefined;
    try {
      const text = await readBody(req);
      const { body, unreadable } = parseJsonBody(text);
      await applyLatency(state);
      const segments = decodeSegments(rawPath);
      const version = segments.shift() ?? '';
      if (version !== 'v1.0' && version !== 'beta') throw graphErrors.invalidVersion(version);
      const caller = await deps.verify(req.headers.authorization);
      principalId = caller.objectId;
      callerKind = caller.kind;
      checkSessionRevocation(state.revokedSessions, caller);
      const fault = takeStatusFault(state);
      if (fault && fault.status !== 504) throw faultError(fault);
      const graphReq: GraphRequest = {
        method: (req.method ?? 'GET').toUpperCase(),
        version: version as GraphVersion,
        segments,
        pathname: rawPath,
        rawQuery,
        query: new URLSearchParams(rawQuery),
        headers: req.headers,
        body,
        bodyUnreadable: unreadable,
        requestId,
        clientRequestId,
        baseUrl: deps.baseUrl(),
      };
      const { route, params } = deps.router.resolve(graphReq);
      const now = state.now();
      const ctx: HandlerContext = {
        req: graphReq,
        caller,
        state,
        now,
        view: { state, now, caller },
        service: { state, now, caller, requireCp1ForAcrs: deps.requireCp1ForAcrs },
      };
      const response: GraphResponse = await route.handler(ctx, params);
      // A 504 comes from a gateway that stopped waiting: the service behind it has acted all the same.
      if (fault) throw faultError(fault);
      status = response.status;
      writeJson(res, response.status, response.body, { ...ids, 'OData-Version': '4.0', ...response.headers });
    } catch (err) {
      if (err instanceof GraphError) {
        status = err.status;
        writeJson(res, err.status, errorEnvelope(err.code, err.message, requestId, clientRequestId), {
          ...ids,
          ...err.headers,
        });
      } else {
        status = 500;
        logger.error({ err, url }, 'graph simulator: unhandled error');
        writeJson(res, 500, errorEnvelope('UnknownError', 'An error has occurred.', requestId, clientRequestId), ids);
      }
    } finally {
      state.calls.push({
        method: (req.method ?? 'GET').toUpperCase(),
        path: url,
        status,
        time: state.now().toISOString(),
        ...(principalId ? { principalId } : {}),
        ...(callerKind ? { callerKind } : {}),
        requestId,
      });
      logger.debug({ method: req.method, url, status, principalId }, 'graph call');
    }
  }

  async function handleControlRequest(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    requestId: string,
  ): Promise<void> {
    const ids = { 'request-id': requestId, 'client-request-id': requestId };
    if (!LOOPBACK.has(req.socket.remoteAddress ?? '')) {
      writeJson(res, 403, { error: { code: 'Forbidden', message: 'The control API is loopback only.' } }, ids);
      return;
    }
    const { body, unreadable } = parseJsonBody(await readBody(req));
    if (unreadable) {
      writeJson(res, 400, { error: { code: 'BadRequest', message: 'The body is not valid JSON.' } }, ids);
      return;
    }
    const result = handleControl(state, (req.method ?? 'GET').toUpperCase(), path, body);
    writeJson(res, result.status, result.body, ids);
  }

  return (req, res) => {
    const url = req.url ?? '/';
    const requestId = newGuid();
    const path = url.split('?')[0] ?? '/';
    const work =
      path === '/_sim' || path.startsWith('/_sim/')
        ? handleControlRequest(req, res, path, requestId)
        : handleGraph(req, res, url, requestId);
    work.catch((err: unknown) => {
      logger.error({ err, url }, 'graph simulator: request failed');
      if (!res.headersSent) writeJson(res, 500, { error: { code: 'UnknownError', message: 'An error has occurred.' } });
      else res.end();
    });
  };
}
