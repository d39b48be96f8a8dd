import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DELIVERY_MARK_PREFIX } from '../../src/teams/delivery-marks';
import { TOKEN_EXCHANGE_MARK_PREFIX } from '../../src/teams/token-exchange-dedupe-storage';

/**
 * The dedupe marks (one blob per message and per SSO exchange) are deleted by a lifecycle rule; if the code's
 * folder and the rule's prefix drift apart, marks pile up in the account for good.
 */
const bicep = readFileSync(new URL('../../infra/azure.bicep', import.meta.url), 'utf8');

describe('infra/azure.bicep lifecycle rule for dedupe marks', () => {
  const rule =
    /resource dedupeMarkCleanup '([^']+)'[\s\S]*?prefixMatch: \[([\s\S]*?)\][\s\S]*?daysAfterModificationGreaterThan: (\d+)/.exec(
      bicep,
    );

  it('deletes, after a day, every folder the bot writes marks to', () => {
    expect(rule, 'no dedupeMarkCleanup management policy in the Bicep').not.toBeNull();
    expect(rule![1]).toMatch(/^Microsoft\.Storage\/storageAccounts\/managementPolicies@/);
    const prefixes = [...rule![2]!.matchAll(/'\$\{stateContainerName\}\/([^']+)'/g)].map((m) => m[1]);
    expect(prefixes.sort()).toEqual([DELIVERY_MARK_PREFIX, TOKEN_EXCHANGE_MARK_PREFIX].sort());
    expect(Number(rule![3])).toBe(1);
  });
});
