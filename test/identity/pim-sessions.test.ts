import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PimSessions } from '../../src/identity/pim-sessions';
import { demoTenant, demoUsers } from '../../simulators/tenant/demo-tenant';
import { type PimTestStack, startPimTestStack } from '../support/pim-stack';

// A session ends when Entra refuses the user's token as a grant: revokeSignInSessions makes every token issued
// before it invalid_grant AADSTS50173 on-behalf-of (learn.microsoft.com/entra/identity-platform/reference-error-codes,
// simulators/entra/FIDELITY.md "Revoked sessions"). PimSessions must say so before a turn acts, and drop a cached
// session when Graph's CAE challenge (simulators/graph/FIDELITY.md) leads to that refusal.

let t: PimTestStack;

beforeAll(async () => {
  t = await startPimTestStack();
});
afterAll(async () => t?.close());
beforeEach(() => {
  t.stack.graph.loadFixture(demoTenant);
  t.stack.graph.resetCalls();
});

const sessions = () => new PimSessions({ entra: t.entra, graphBaseUrl: t.stack.graph.url });
const ssoToken = (userId: string) =>
  t.stack.authority.issueTeamsSsoToken({ userId, clientId: t.stack.botApp.clientId, amr: ['pwd', 'mfa'] });

describe('PimSessions: sessions Entra ended', () => {
  it('confirms a live session; after revokeSignInSessions the same token is ended, a token issued afterwards is not', async () => {
    const pims = sessions();
    const { secondApprover: nestor } = demoUsers;
    const before = await ssoToken(nestor.id);
    expect(await pims.confirm(before)).toBe(true);
    expect(pims.hasEnded(before)).toBe(false);

    t.stack.authority.revokeSignInSessions(nestor.id);
    // Not yet known in this process: the credential cached by the first confirm answers from memory.
    expect(pims.hasEnded(before)).toBe(false);
    // Another process (nothing cached) asks Entra, which refuses: ended.
    const other = sessions();
    expect(await other.confirm(before)).toBe(false);
    expect(other.hasEnded(before)).toBe(true);

    const after = await ssoToken(nestor.id);
    expect(await other.confirm(after)).toBe(true);
    expect(other.hasEnded(after)).toBe(false);
  });

  it("drops a cached session when Graph's CAE challenge leads to Entra's refusal, and the next use asks for a sign-in", async () => {
    const pims = sessions();
    const { approver: megan } = demoUsers;
    const token = await ssoToken(megan.id);
    const pim = pims.forAssertion(token, megan.id);
    expect(await pim.listActive()).toEqual([]);
    // How many Graph requests one listActive makes (the simulator's log), so a retry after the challenge would show.
    const requestsPerList = t.stack.graph.calls().filter((c) => c.principalId === megan.id).length;
    expect(requestsPerList).toBeGreaterThan(0);

    t.stack.authority.revokeSignInSessions(megan.id);
    t.stack.graph.revokeSessions(megan.id);
    t.stack.graph.resetCalls();
    // Cached: the session is confirmed from memory, the revocation is not known yet.
    expect(await pims.confirm(token)).toBe(true);
    const failed = await pim.listActive().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failed).toBeInstanceOf(Error);
    const statuses = t.stack.graph
      .calls()
      .filter((c) => c.principalId === megan.id)
      .map((c) => c.status);
    console.log(
      `cached session after revocation: Graph answered ${statuses.join(', ')}; ended = ${pims.hasEnded(token)}`,
    );
    // Each request challenged once (401), and none sent again: Entra refused the claims challenge, so no new token.
    expect(statuses).toEqual(Array.from({ length: requestsPerList }, () => 401));
    expect(pims.hasEnded(token)).toBe(true);
    expect(await pims.confirm(token)).toBe(false);
  });
});
