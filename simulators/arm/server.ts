import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { newGuid } from '../graph/ids';
import type { ArmCaller } from './auth';
import type { ArmContext } from './context';
import { handleControl } from './control';
import { ArmError, armErrors, cloudError } from './errors';
import { parseJson, readBody, writeJson } from './http';
import { checkApiVersion, parsePath, resolve } from './routes';
import type { ArmState, FaultSpec } from './state';

export interface PipelineDeps {
  state: ArmState;
  verify: (authorization: string | undefined) => Promise<ArmCaller>;
  logger: Logger;
  baseUrl: () => string;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const WRITES = new Set(['PUT', 'POST', 'PATCH', 'DELETE']);

/** The claims mandatory MFA asks for (ARM-PIM.md §2; the exact JSON is UNVERIFIED: FIDELITY.md). */
export const MFA_CLAIMS = '{"access_token":{"acrs":{"essential":true,"values":["p1"]}}}';

function takeFault<K extends FaultSpec['kind']>(state: ArmState, kind: K): Extract<FaultSpec, { kind: K }> | undefined {
  const fault = state.faults.find((f): f is Extract<FaultSpec, { kind: K }> => f.kind === kind && f.count > 0);
  if (!fault) return undefined;
  fault.count -= 1;
  if (fault.count === 0) state.faults = state.faults.filter((f) => f !== fault);
  return fault;
}

/** One request: control API under /_sim, otherwise an ARM call (token, api-version, faults, route, CloudError). */
export function createArmListener(deps: PipelineDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { state, logger } = deps;

  async function handleArm(req: IncomingMessage, res: ServerResponse, url: string, requestId: string): Promise<void> {
    const ids = { 'x-ms-request-id': requestId, 'x-ms-correlation-request-id': requestId };
    const method = (req.method ?? 'GET').toUpperCase();
    const [pathname = '/', ...rest] = url.split('?');
    const query = new URLSearchParams(rest.join('?'));
    let status = 500;
    let principalId: string | undefined;
    let drop = false;
    try {
      const { body, unreadable } = parseJson(await readBody(req));
      const caller = await deps.verify(req.headers.authorization);
      principalId = caller.objectId;
      const path = parsePath(pathname);
      checkApiVersion(path.type, query);
      const fault = takeFault(state, 'status');
      if (fault)
        throw fault.status === 429
          ? armErrors.throttled(fault.retryAfterSeconds)
          : armErrors.unavailable(fault.retryAfterSeconds);
      if (WRITES.has(method) && state.requireMfaForWrites && !caller.amr.includes('mfa')) {
        throw armErrors.mfaClaimsChallenge(state.fixture.tenantId, MFA_CLAIMS);
      }
      if (unreadable) throw armErrors.unreadableBody();
      const handler = resolve(path, method, pathname);
      if (takeFault(state, 'reset')) {
        status = 0;
        req.socket.destroy();
        return;
      }
      const ctx: ArmContext = {
        state,
        caller,
        now: state.now(),
        method,
        scope: path.scope,
        query,
        body,
        baseUrl: deps.baseUrl(),
        pathname,
      };
      const response = handler(ctx);
      status = response.status;
      // A 'drop' fault: the work is done, the answer is lost (a client must not resend blindly).
      drop = takeFault(state, 'drop') !== undefined;
      if (drop) {
        req.socket.destroy();
        return;
      }
      writeJson(res, response.status, response.body, { ...ids, ...response.headers });
    } catch (err) {
      if (err instanceof ArmError) {
        status = err.status;
        writeJson(res, err.status, cloudError(err.code, err.message), { ...ids, ...err.headers });
      } else {
        status = 500;
        logger.error({ err, url }, 'arm simulator: unhandled error');
        writeJson(res, 500, cloudError('InternalServerError', 'An error has occurred.'), ids);
      }
    } finally {
      state.calls.push({ method, path: url, status: drop ? 0 : status, ...(principalId ? { principalId } : {}) });
      logger.debug({ method, url, status, principalId }, 'arm call');
    }
  }

  async function handleControlRequest(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (!LOOPBACK.has(req.socket.remoteAddress ?? '')) {
      writeJson(res, 403, cloudError('Forbidden', 'The control API is loopback only.'));
      return;
    }
    const { body, unreadable } = parseJson(await readBody(req));
    if (unreadable) {
      writeJson(res, 400, cloudError('BadRequest', 'The body is not valid JSON.'));
      return;
    }
    const result = handleControl(state, (req.method ?? 'GET').toUpperCase(), path, body);
    writeJson(res, result.status, result.body);
  }

  return (req, res) => {
    const url = req.url ?? '/';
    const path = url.split('?')[0] ?? '/';
    const work =
      path === '/_sim' || path.startsWith('/_sim/')
        ? handleControlRequest(req, res, path)
        : handleArm(req, res, url, newGuid());
    work.catch((err: unknown) => {
      logger.error({ err, url }, 'arm simulator: request failed');
      if (!res.headersSent) writeJson(res, 500, cloudError('InternalServerError', 'An error has occurred.'));
      else res.end();
    });
  };
}
