import { describe, expect, it } from 'vitest';
import { runReadinessChecks } from '../../src/health/readiness';
import { cachedProbe } from '../../src/health/readiness-cache';
import { createLogger } from '../../src/observability/logger';
import { fakeSecret } from '../support/fake-secrets';

/** The readiness checks' report and log, and the cache that lets one run answer a probe storm. */

/** The production logger (redaction included), its lines kept. */
function recordingLogger() {
  const lines: { level: number; msg: string; check?: string; reason?: string }[] = [];
  const logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { warnings: lines, logger };
}

describe('runReadinessChecks', () => {
  it('reports names and booleans, and logs the reason without anything token-shaped', async () => {
    // A storage error that quotes a SAS URL and an Authorization header, as SDK errors sometimes do.
    // JWT-shaped, made for this run (header, claims and signature are fake; nothing signs it).
    const part = (value: object | string) =>
      Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
    const jwt = [part({ alg: 'RS256' }), part({ oid: '1' }), part(fakeSecret('signature'))].join('.');
    const { warnings, logger } = recordingLogger();
    const report = await runReadinessChecks(
      [
        {
          name: 'store',
          check: async () =>
            Promise.reject(
              new Error(`GET https://acct.blob.core.windows.net/c?sv=1&sig=SECRETSIG failed; Bearer ${jwt}`),
            ),
        },
        { name: 'graph', check: async () => undefined },
      ],
      logger,
    );

    expect(report).toEqual({ ready: false, checks: { store: false, graph: true } });
    expect(warnings).toEqual([
      expect.objectContaining({ level: 40, msg: 'readiness check failed', check: 'store', reason: expect.any(String) }),
    ]);
    const reason = warnings[0]!.reason!;
    expect(reason).toContain('acct.blob.core.windows.net');
    expect(reason).not.toContain('SECRETSIG');
    expect(reason).not.toContain(jwt);
  });

  it('counts a check that outlives its timeout as failed', async () => {
    const { warnings, logger } = recordingLogger();
    const report = await runReadinessChecks(
      [
        {
          name: 'graph',
          check: (signal) =>
            new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
        },
      ],
      logger,
      20,
    );
    expect(report).toEqual({ ready: false, checks: { graph: false } });
    expect(warnings.map((w) => w.check)).toEqual(['graph']);
  });
});

describe('cachedProbe', () => {
  it('shares one run between concurrent callers, keeps its result for the window, then runs again', async () => {
    let clock = 1_000;
    let runs = 0;
    let finish: (value: number) => void = () => undefined;
    const probe = cachedProbe(
      () => {
        runs++;
        return new Promise<number>((resolve) => (finish = resolve));
      },
      5_000,
      () => clock,
    );

    const waiting = Array.from({ length: 50 }, () => probe());
    expect(runs).toBe(1);
    finish(7);
    expect(await Promise.all(waiting)).toEqual(Array(50).fill(7));

    clock += 4_999;
    expect(await probe()).toBe(7);
    expect(runs).toBe(1);

    clock += 1;
    const next = probe();
    expect(runs).toBe(2);
    finish(8);
    expect(await next).toBe(8);
  });

  it('does not keep a run that threw: the next probe runs again', async () => {
    let runs = 0;
    const probe = cachedProbe(async () => {
      runs++;
      if (runs === 1) throw new Error('boom');
      return 'ok';
    }, 5_000);
    await expect(probe()).rejects.toThrow('boom');
    expect(await probe()).toBe('ok');
    expect(runs).toBe(2);
  });
});
