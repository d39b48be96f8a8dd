import type { Logger } from '../observability/logger';
import { describeError } from '../scheduler/support';

/** A dependency /readyz reports on: the store, Microsoft Graph. */
export interface ReadinessCheck {
  name: string;
  /** Resolves when the dependency answers; rejects with a reason otherwise. */
  check(signal: AbortSignal): Promise<void>;
}

/**
 * What /readyz shows anyone who asks: the checks' names and whether each passed. Never the reason: a
 * dependency's error text names hosts, accounts and sometimes URLs with credentials in them; it goes to the log.
 */
export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, boolean>;
}

export async function runReadinessChecks(
  checks: readonly ReadinessCheck[],
  logger: Pick<Logger, 'warn'>,
  timeoutMs = 3000,
): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async (c) => {
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        await c.check(signal);
        return [c.name, true] as const;
      } catch (err) {
        // describeError blanks anything token-shaped (JWTs, AccountKey=, sig=).
        logger.warn({ check: c.name, reason: describeError(err, 300) }, 'readiness check failed');
        return [c.name, false] as const;
      }
    }),
  );
  return { ready: results.every(([, ok]) => ok), checks: Object.fromEntries(results) };
}

/**
 * Graph is reachable when its host answers HTTP at all: an unauthenticated request gets 401, which is
 * proof enough that DNS, TLS and the network path work. 5xx or no answer is not ready.
 */
export function graphReachable(graphBaseUrl: string, fetchImpl: typeof fetch = fetch): ReadinessCheck {
  return {
    name: 'graph',
    async check(signal) {
      const res = await fetchImpl(`${graphBaseUrl}/v1.0/$metadata`, { method: 'GET', signal });
      await res.body?.cancel();
      if (res.status >= 500) throw new Error(`Graph answered HTTP ${res.status}`);
    },
  };
}
