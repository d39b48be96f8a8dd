import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ArmError } from '../../src/arm/arm-error';
import type { ArmEligibleRole } from '../../src/arm/arm-types';
import { demoArmEligibilities, demoResourceGroups, demoSubscriptions } from '../../simulators/arm/demo-arm';
import { AzureBuiltInRoles } from '../../simulators/arm/fixture';
import { demoUsers } from '../../simulators/tenant/demo-tenant';
import { assertNoArmContractViolations } from '../contract/arm-contract';
import { type ArmHarness, startArmHarness } from '../simulators/arm/support';
import { clientFor } from './support';

/**
 * The ARM PIM client against the ARM simulator, every exchange held to ../shared/arm's contract. Expected values
 * are the demo fixture's (simulators/arm/demo-arm.ts) and the field guide's (ARM-PIM.md §3–§6).
 */

const { requester: adele, approver: megan } = demoUsers;
let h: ArmHarness;
beforeAll(async () => {
  h = await startArmHarness();
});
afterAll(() => h.close());
beforeEach(() => h.reset());
afterEach(() => assertNoArmContractViolations(h.violations));

async function eligible(roleGuid: string, user = adele): Promise<ArmEligibleRole> {
  const all = await clientFor(h, user).client.listEligible();
  const found = all.find((e) => e.role.guid === roleGuid);
  if (!found) throw new Error(`no eligibility for ${roleGuid}`);
  return found;
}

async function refusal(p: Promise<unknown>): Promise<ArmError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ArmError);
  return err as ArmError;
}

describe('reading', () => {
  it("eligible roles across scopes at the tenant root: Adele's three, with names, scopes and schedule ids", async () => {
    const roles = await clientFor(h, adele).client.listEligible();
    const seen = roles
      .map((r) => [r.role.displayName, r.scope.id, r.scope.type, r.eligibilityScheduleId.split('/').pop()])
      .sort();
    expect(seen).toEqual(
      [
        ['Contributor', demoResourceGroups.webProd.id, 'resourcegroup', demoArmEligibilities.adeleContributorWeb],
        ['Owner', demoSubscriptions.development.id, 'subscription', demoArmEligibilities.adeleOwnerDev],
        [
          'User Access Administrator',
          demoSubscriptions.production.id,
          'subscription',
          demoArmEligibilities.adeleUaaProd,
        ],
      ].sort(),
    );
    expect(roles.every((r) => r.principalId === adele.id)).toBe(true);
  });

  it('at one subscription only what lies there; nothing active yet', async () => {
    const { client } = clientFor(h, adele);
    const dev = await client.listEligible(demoSubscriptions.development.id);
    expect(dev.map((r) => r.role.guid)).toEqual([AzureBuiltInRoles.owner]);
    expect(await client.listActive()).toEqual([]);
  });

  it('follows nextLink across pages', async () => {
    const { demoArm } = await import('../../simulators/arm/demo-arm');
    h.reset({ ...demoArm, pageSize: 1 });
    const roles = await clientFor(h, adele).client.listEligible();
    expect(roles).toHaveLength(3);
    expect(h.sim.calls().filter((c) => c.path.includes('roleEligibilityScheduleInstances'))).toHaveLength(3);
  });

  it('the policy of a role at a scope: Owner on development needs Megan, a justification and a ticket, 4 hours at most', async () => {
    const policy = await clientFor(h, adele).client.getPolicy(
      demoSubscriptions.development.id,
      AzureBuiltInRoles.owner,
    );
    expect(policy).toMatchObject({
      maxDurationMinutes: 240,
      requiresJustification: true,
      requiresTicket: true,
      requiresMfa: false,
      requiresApproval: true,
      authenticationContext: null,
    });
    expect(policy?.approvers.map((a) => a.id)).toEqual([megan.id]);
  });
});

describe('activation and deactivation', () => {
  it('Contributor on a resource group (no approval): done, active, linked to its eligibility', async () => {
    const { client } = clientFor(h, adele);
    const role = await eligible(AzureBuiltInRoles.contributor);
    const result = await client.activate({ eligible: role, durationMinutes: 60, justification: 'Deploy hotfix' });
    expect(result).toMatchObject({
      status: 'Provisioned',
      outcome: 'done',
      approvalId: null,
      requestType: 'SelfActivate',
    });
    const [active] = await client.listActive();
    expect(active).toMatchObject({
      assignmentType: 'Activated',
      linkedEligibilityScheduleId: role.eligibilityScheduleId,
    });
    expect(active?.scope.id).toBe(demoResourceGroups.webProd.id);
    expect(Date.parse(active?.endDateTime ?? '') - Date.parse(active?.startDateTime ?? '')).toBe(60 * 60_000);
    // What went over the wire: ARM-PIM.md §3.3's SelfActivate body, at the eligibility's scope, under a fresh GUID.
    const put = h.exchanges.find((e) => e.method === 'PUT');
    expect(new URL(put?.url ?? '').pathname).toMatch(
      new RegExp(
        `^${demoResourceGroups.webProd.id}/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/[0-9a-f-]{36}$`,
      ),
    );
    expect(put?.requestBody).toEqual({
      properties: {
        principalId: adele.id,
        roleDefinitionId: `${demoSubscriptions.production.id}/providers/Microsoft.Authorization/roleDefinitions/${AzureBuiltInRoles.contributor}`,
        requestType: 'SelfActivate',
        linkedRoleEligibilityScheduleId: `${demoResourceGroups.webProd.id}/providers/Microsoft.Authorization/roleEligibilitySchedules/${demoArmEligibilities.adeleContributorWeb}`,
        scheduleInfo: { expiration: { type: 'AfterDuration', duration: 'PT1H' } },
        justification: 'Deploy hotfix',
      },
    });
  });

  it('deactivation within 5 minutes is refused (ActiveDurationTooShort), allowed after', async () => {
    const { client } = clientFor(h, adele);
    await client.activate({
      eligible: await eligible(AzureBuiltInRoles.contributor),
      durationMinutes: 60,
      justification: 'x',
    });
    const [active] = await client.listActive();
    if (!active) throw new Error('not active');
    const early = await refusal(client.deactivate(active));
    expect(early).toMatchObject({ kind: 'DurationTooShort', armCode: 'ActiveDurationTooShort', httpStatus: 400 });
    h.sim.clock.advance(6 * 60_000);
    expect(await client.deactivate(active)).toMatchObject({ requestType: 'SelfDeactivate', outcome: 'done' });
    const puts = h.exchanges.filter((e) => e.method === 'PUT' && e.status === 201);
    expect(puts.at(-1)?.requestBody).toEqual({
      properties: { principalId: adele.id, roleDefinitionId: active.role.id, requestType: 'SelfDeactivate' },
    });
    expect(new Set(puts.map((e) => new URL(e.url).pathname)).size).toBe(2); // a new request name for each action
    expect(await client.listActive()).toEqual([]);
    const again = await refusal(client.deactivate(active));
    expect(again).toMatchObject({ kind: 'NotActive', armCode: 'RoleAssignmentDoesNotExist' });
  });

  it('a second activation of an active role: RoleAssignmentExists', async () => {
    const { client } = clientFor(h, adele);
    const role = await eligible(AzureBuiltInRoles.contributor);
    await client.activate({ eligible: role, durationMinutes: 30, justification: 'x' });
    const err = await refusal(client.activate({ eligible: role, durationMinutes: 30, justification: 'x' }));
    expect(err).toMatchObject({ kind: 'AlreadyActive', armCode: 'RoleAssignmentExists' });
    expect(h.sim.snapshot().requests).toHaveLength(1);
  });

  it('policy refusals name the failed rules: duration over the maximum, justification, ticket', async () => {
    const { client } = clientFor(h, adele);
    const contributor = await eligible(AzureBuiltInRoles.contributor);
    const policy = await client.getPolicy(contributor.scope.id, contributor.role.id);
    const tooLong = await refusal(
      client.activate({ eligible: contributor, durationMinutes: 9 * 60, justification: 'x' }, policy),
    );
    expect(tooLong).toMatchObject({
      kind: 'PolicyValidationFailed',
      armCode: 'RoleAssignmentRequestPolicyValidationFailed',
      failedRules: ['ExpirationRule'],
    });
    expect(tooLong.message).toContain('at most 8 hours');
    const noReason = await refusal(client.activate({ eligible: contributor, durationMinutes: 60 }));
    expect(noReason.failedRules).toEqual(['JustificationRule']);
    const owner = await eligible(AzureBuiltInRoles.owner);
    const noTicket = await refusal(client.activate({ eligible: owner, durationMinutes: 60, justification: 'x' }));
    expect(noTicket.failedRules).toEqual(['TicketingRule']);
    expect(noTicket.fix).toMatch(/ticket/);
    expect(h.sim.snapshot().requests).toEqual([]);
  });

  it('activation at a child scope of the eligibility works; outside it, EligibilityRule', async () => {
    const { client } = clientFor(h, adele);
    const owner = await eligible(AzureBuiltInRoles.owner);
    const narrowed = await client.activate({
      eligible: owner,
      scope: demoResourceGroups.sandbox.id,
      durationMinutes: 60,
      justification: 'x',
      ticket: { number: 'INC-1' },
    });
    expect(narrowed.scope).toBe(demoResourceGroups.sandbox.id);
    const outside = await refusal(
      client.activate({
        eligible: owner,
        scope: demoResourceGroups.webProd.id,
        durationMinutes: 60,
        justification: 'x',
        ticket: { number: 'INC-1' },
      }),
    );
    expect(outside.failedRules).toEqual(['EligibilityRule']);
  });
});
