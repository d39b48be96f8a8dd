/**
 * /readyz is unauthenticated and each run costs a storage read and a Graph request: a probe storm would
 * become a storm on both. One run answers every probe for `ttlMs` after it ends, and probes that arrive while
 * it runs wait for that same run (single flight). Failures are kept as long as successes: a failing
 * dependency is not retried harder because someone keeps asking.
 */
export function cachedProbe<T>(run: () => Promise<T>, ttlMs: number, now: () => number = Date.now): () => Promise<T> {
  let inFlight: Promise<T> | undefined;
  let last: { value: T; at: number } | undefined;
  return () => {
    if (last && now() - last.at < ttlMs) return Promise.resolve(last.value);
    inFlight ??= run()
      .then((value) => {
        last = { value, at: now() };
        return value;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
}
