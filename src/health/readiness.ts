/** A dependency /readyz reports on: the store, Microsoft Graph. */
export interface ReadinessCheck {
  name: string;
  /** Resolves when the dependency answers; rejects with a reason otherwise. */
  check(signal: AbortSignal): Promise<void>;
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, { ok: boolean; error?: string }>;
}

export async function runReadinessChecks(
  checks: readonly ReadinessCheck[],
  timeoutMs = 3000,
): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async (c) => {
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        await c.check(signal);
        return [c.name, { ok: true }] as const;
      } catch (err) {
        return [c.name, { ok: false, error: err instanceof Error ? err.message : String(err) }] as const;
      }
    }),
  );
  return { ready: results.every(([, r]) => r.ok), checks: Object.fromEntries(results) };
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
