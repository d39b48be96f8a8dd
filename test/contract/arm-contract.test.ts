import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ArmContract } from './arm-contract';

/**
 * The ARM contract check itself (arm-contract.ts): it must accept the calls ARM-PIM.md documents and refuse
 * malformed ones. Expected verdicts come from the spec subset and the field guide (ARM-PIM.md §1, §3.3, §4),
 * never from the bot's client.
 */

const contract = ArmContract.load();
const SUB = '/subscriptions/1f0e2d3c-4b5a-4968-8776-00000000a001';
const RG = `${SUB}/resourceGroups/rg-web-prod`;
const NAME = '7a1b2c3d-4e5f-4a6b-8c7d-000000000001';
const REQUEST = `${RG}/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/${NAME}`;
const V = 'api-version=2020-10-01';

/** The field guide's minimal SelfActivate body (ARM-PIM.md §3.3), nulls included. */
const guideBody = {
  properties: {
    principalId: 'a1d3e1e0-7a4c-4b8e-9f10-0000000000a1',
    roleDefinitionId: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c`,
    requestType: 'SelfActivate',
    linkedRoleEligibilityScheduleId: `${RG}/providers/Microsoft.Authorization/roleEligibilitySchedules/E1`,
    scheduleInfo: { startDateTime: null, expiration: { type: 'AfterDuration', duration: 'PT2H', endDateTime: null } },
    justification: 'Deploy hotfix',
    ticketInfo: { ticketNumber: 'INC-42', ticketSystem: 'ServiceNow' },
  },
};

const messages = (v: { message: string }[]) => v.map((x) => x.message).join('\n');

/** ../shared/arm beside the project (the team's researched contracts); absent in a fresh clone. */
const SHARED = new URL('../../../shared/arm/arm-pim-openapi.json', import.meta.url);
const VENDORED = new URL('./openapi/arm-pim-openapi.json', import.meta.url);

describe('ARM contract: the vendored description', () => {
  it.skipIf(!existsSync(SHARED))('equals the shared copy (as JSON)', () => {
    expect(JSON.parse(readFileSync(VENDORED, 'utf8'))).toEqual(JSON.parse(readFileSync(SHARED, 'utf8')));
  });
});

describe('ARM contract: routing', () => {
  it.each([
    [
      'GET',
      `/providers/Microsoft.Authorization/roleEligibilityScheduleInstances?$filter=asTarget()&${V}`,
      '/providers/Microsoft.Authorization/roleEligibilityScheduleInstances',
    ],
    [
      'GET',
      `${RG}/providers/Microsoft.Authorization/roleEligibilityScheduleInstances?$filter=asTarget()&${V}`,
      '/{scope}/providers/Microsoft.Authorization/roleEligibilityScheduleInstances',
    ],
    [
      'PUT',
      `${REQUEST}?${V}`,
      '/{scope}/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/{roleAssignmentScheduleRequestName}',
    ],
    [
      'POST',
      `${REQUEST}/cancel?${V}`,
      '/{scope}/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/{roleAssignmentScheduleRequestName}/cancel',
    ],
    [
      'PATCH',
      '/providers/Microsoft.Authorization/roleAssignmentApprovals/A1/stages/S1?api-version=2021-01-01-preview',
      '/providers/Microsoft.Authorization/roleAssignmentApprovals/{approvalId}/stages/{stageId}',
    ],
  ])('%s %s → %s', (method, url, template) => {
    expect(contract.match(method, url)?.template).toBe(template);
  });

  it('the scope spans segments: a resource group scope is one parameter', () => {
    expect(contract.match('PUT', `${REQUEST}?${V}`)?.params).toEqual({
      scope: RG.slice(1),
      roleAssignmentScheduleRequestName: NAME,
    });
  });
});

describe('ARM contract: what it accepts', () => {
  it("the field guide's SelfActivate body and a 201 request object", () => {
    expect(contract.checkRequest('PUT', `${REQUEST}?${V}`, guideBody)).toEqual([]);
    const created = {
      id: REQUEST,
      name: NAME,
      type: 'Microsoft.Authorization/RoleAssignmentScheduleRequests',
      properties: {
        ...guideBody.properties,
        scope: RG,
        status: 'PendingApproval',
        approvalId: null,
        createdOn: '2026-01-01T00:00:00Z',
        requestorId: guideBody.properties.principalId,
      },
    };
    expect(contract.checkResponse('PUT', `${REQUEST}?${V}`, 201, created)).toEqual([]);
  });

  it("a CloudError for any 4xx, and cancel's 200 with no body", () => {
    expect(
      contract.checkResponse('PUT', `${REQUEST}?${V}`, 400, {
        error: { code: 'RoleAssignmentExists', message: 'The Role assignment already exists.' },
      }),
    ).toEqual([]);
    expect(contract.checkResponse('POST', `${REQUEST}/cancel?${V}`, 200, undefined)).toEqual([]);
  });
});

describe('ARM contract: malformed calls are refused', () => {
  it('Graph-style fields (camelCase action and expiration type, directoryScopeId) in an ARM body', () => {
    const graphish = {
      properties: {
        ...guideBody.properties,
        requestType: 'selfActivate',
        directoryScopeId: '/',
        scheduleInfo: { expiration: { type: 'afterDuration', duration: 'PT2H' } },
      },
    };
    const text = messages(contract.checkRequest('PUT', `${REQUEST}?${V}`, graphish));
    expect(text).toMatch(/requestType must be equal to one of the allowed values/);
    expect(text).toMatch(/expiration\/type must be equal to one of the allowed values/);
    expect(text).toMatch(/must NOT have property 'directoryScopeId'/);
  });

  it('a read-only property sent (status), and a required one missing (principalId)', () => {
    const { principalId: _omitted, ...rest } = guideBody.properties;
    const text = messages(
      contract.checkRequest('PUT', `${REQUEST}?${V}`, { properties: { ...rest, status: 'Provisioned' } }),
    );
    expect(text).toMatch(/must NOT have property 'status'/);
    expect(text).toMatch(/must have required property 'principalId'/);
  });

  it('api-version missing or of the other family, an undeclared query option', () => {
    expect(messages(contract.checkRequest('PUT', REQUEST, guideBody))).toMatch(
      /api-version is required \(2020-10-01\)/,
    );
    expect(messages(contract.checkRequest('PUT', `${REQUEST}?api-version=2021-01-01-preview`, guideBody))).toMatch(
      /must be 2020-10-01/,
    );
    expect(
      messages(
        contract.checkRequest(
          'GET',
          `${RG}/providers/Microsoft.Authorization/roleEligibilityScheduleInstances?$top=5&${V}`,
        ),
      ),
    ).toMatch(/\$top is not declared/);
  });

  it('a scope that is not an ARM scope, a path in the wrong case, a verb the path does not have', () => {
    expect(
      messages(
        contract.checkRequest(
          'GET',
          `/tenants/x/providers/Microsoft.Authorization/roleEligibilityScheduleInstances?${V}`,
        ),
      ),
    ).toMatch(/scope 'tenants\/x' is not/);
    expect(
      messages(
        contract.checkRequest('GET', `${RG}/providers/Microsoft.Authorization/roleeligibilityscheduleinstances?${V}`),
      ),
    ).toMatch(/differing only in letter case/);
    expect(messages(contract.checkRequest('DELETE', `${REQUEST}?${V}`))).toMatch(/DELETE is not declared/);
  });

  it('a stage decision with an unknown reviewResult; a body on cancel; a policy rule of the wrong shape', () => {
    const stage =
      '/providers/Microsoft.Authorization/roleAssignmentApprovals/A1/stages/S1?api-version=2021-01-01-preview';
    expect(messages(contract.checkRequest('PUT', stage, { reviewResult: 'Approved' }))).toMatch(
      /reviewResult must be equal to one of the allowed values/,
    );
    expect(messages(contract.checkResponse('POST', `${REQUEST}/cancel?${V}`, 200, { ok: true }))).toMatch(
      /must have no body/,
    );
    const policy = `${RG}/providers/Microsoft.Authorization/roleManagementPolicyAssignments?${V}`;
    const bad = {
      value: [
        {
          id: 'x',
          name: 'x',
          properties: {
            effectiveRules: [
              {
                id: 'Expiration_EndUser_Assignment',
                ruleType: 'RoleManagementPolicyExpirationRule',
                maximumDuration: 8,
              },
            ],
          },
        },
      ],
    };
    expect(messages(contract.checkResponse('GET', policy, 200, bad))).toMatch(/maximumDuration must be string/);
  });
});
