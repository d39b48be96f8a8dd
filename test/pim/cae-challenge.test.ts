import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CaeCapableCredential } from '../../src/identity/claims-credential';
import { PimError } from '../../src/pim/pim-error';
import { demoTenant, demoUsers } from '../../simulators/tenant/demo-tenant';
import { type PimTestStack, startPimTestStack } from '../support/pim-stack';

/**
 * Issue 12, continuous access evaluation: once a user's sessions are revoked, Graph answers their
 * CP1 tokens with 401 + WWW-Authenticate error="insufficient_claims", claims="<base64>". The client gets a
 * new token with those claims (on-behalf-of with claims) and retries once; when only the user can meet
 * them, the call fails as StepUpRequired carrying the claims, for the step-up sign-in.
 */

const { requester: adele } = demoUsers;
let t: PimTestStack;

beforeAll(async () => {
  t = await startPimTestStack();
});
afterAll(async () => t?.close());
beforeEach(() => {
  t.stack.graph.loadFixture(demoTenant);
  t.stack.graph.resetCalls();
});

const statuses = () =>
  t.stack.graph
    .calls()
    .filter((c) => c.principalId === adele.id)
    .map((c) => c.status);

describe('CAE claims challenge', () => {
  it('one retry with the challenged claims, then success', async () => {
    const pim = t.clientWith(new CaeCapableCredential(await t.credentialFor(adele)), adele.id);
    expect(await pim.listActive()).toEqual([]);
    // The token was issued at least a second before the revocation (iat is in whole seconds).
    await new Promise((r) => setTimeout(r, 1100));
    t.stack.graph.revokeSessions(adele.id);
    t.stack.graph.resetCalls();
    await new Promise((r) => setTimeout(r, 1100));

    expect(await pim.listActive()).toEqual([]);
    const seen = statuses();
    console.log(`CAE: Graph answers after revocation = ${seen.join(', ')}`);
    // listActive reads roles and groups (two calls): each gets one 401 with the challenge, then exactly
    // one retry with the new token, which Graph accepts.
    const challenged = seen.filter((s) => s === 401).length;
    expect(challenged).toBeGreaterThan(0);
    expect(seen.filter((s) => s === 200)).toHaveLength(challenged);
    expect(seen).toHaveLength(2 * challenged);
  });

  it('claims only a sign-in can meet (an authentication context, no MFA in the session) → StepUpRequired', async () => {
    const pim = t.clientWith(new CaeCapableCredential(await t.credentialFor(adele, { amr: ['pwd'] })), adele.id);
    expect(await pim.listActive()).toEqual([]);
    await new Promise((r) => setTimeout(r, 1100));
    t.stack.graph.revokeSessions(adele.id, 'c1');
    t.stack.graph.resetCalls();

    const err = await pim.listActive().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PimError);
    const pimErr = err as PimError;
    console.log(`CAE needing interaction: kind = ${pimErr.kind}, Graph calls = ${statuses().join(', ')}`);
    expect(pimErr.kind).toBe('StepUpRequired');
    const claims = JSON.parse(pimErr.claims ?? 'null') as { access_token?: Record<string, unknown> };
    expect(claims.access_token?.acrs).toEqual({ essential: true, value: 'c1' });
    expect(claims.access_token?.nbf).toBeDefined();
    // No retry reached Graph: the new token could not be had without the user.
    expect(statuses().length).toBeGreaterThan(0);
    expect(statuses().every((s) => s === 401)).toBe(true);
  });
});
