import { ArmPimClient } from '../../src/arm/arm-pim-client';
import type { ArmTokenRequest } from '../../src/arm/arm-token-source';
import type { FixtureUser } from '../../simulators/tenant/tenant-fixture';
import type { ArmHarness, ArmTokenOptions } from '../simulators/arm/support';

export interface ClientUnderTest {
  client: ArmPimClient;
  /** Token requests the client made, claims included (never the tokens). */
  tokenRequests: ArmTokenRequest[];
  /** Waits the client asked for between retries, in ms (recorded, not slept). */
  waits: number[];
}

/**
 * The ARM client as the bot would build it, against the simulator: the token port answered by the test issuer
 * (standing in for OBO), every exchange through the contract-checking fetch, retries' waits recorded.
 * `onClaims` decides what the token source does when ARM asks for claims (default: it cannot, like OBO without the user).
 */
export function clientFor(
  h: ArmHarness,
  user: FixtureUser,
  opts: ArmTokenOptions & { onClaims?: (claims: string) => ArmTokenOptions | 'fail'; maxTotalWaitMs?: number } = {},
): ClientUnderTest {
  const tokenRequests: ArmTokenRequest[] = [];
  const waits: number[] = [];
  const client = new ArmPimClient({
    baseUrl: h.sim.url,
    fetch: h.fetch,
    sleep: async (ms) => {
      waits.push(ms);
    },
    retry: { maxRetries: 3, maxTotalWaitMs: opts.maxTotalWaitMs ?? 30_000, baseDelayMs: 1_000 },
    token: async (request) => {
      tokenRequests.push(request);
      if (request.claims === undefined) return h.token(user, opts);
      const next = opts.onClaims?.(request.claims) ?? 'fail';
      if (next === 'fail') throw new Error('AADSTS50076: interaction_required');
      return h.token(user, next);
    },
  });
  return { client, tokenRequests, waits };
}
