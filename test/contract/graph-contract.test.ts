import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  assertNoContractViolations,
  type ContractViolation,
  GraphContract,
  type GraphExchange,
  recordingFetch,
} from './graph-contract';
import { PLAIN_STRING_PROPERTIES } from './openapi-schema';

const GRAPH = 'https://graph.microsoft.com';
const TENANT = '5b0c5e3a-2c0d-4c64-9a0b-7a1c2d3e4f50';
const ME = '071cc716-8147-4397-a5ba-b2105951cc0b';
const ATTRIBUTE_ADMIN = '8424c6f0-a189-499e-bbd0-26c1753c96d4';
const REQUEST_ID = '911bab8a-6912-4de2-9dc0-2648ede7dd6d';
const REQUESTS = '/v1.0/roleManagement/directory/roleAssignmentScheduleRequests';

let contract: GraphContract;
beforeAll(() => {
  contract = GraphContract.load();
});

function messages(violations: readonly ContractViolation[]): string {
  return violations.map((v) => v.message).join('\n');
}

/** PIM-API.md §1.1, documented request, with the camelCase enum the bot must send. */
function selfActivateRequest(): Record<string, unknown> {
  return {
    action: 'selfActivate',
    principalId: ME,
    roleDefinitionId: ATTRIBUTE_ADMIN,
    directoryScopeId: '/',
    justification:
      'I need access to the Attribute Administrator role to manage attributes to be assigned to restricted AUs',
    scheduleInfo: {
      startDateTime: '2022-04-14T00:00:00.000Z',
      expiration: { type: 'afterDuration', duration: 'PT5H' },
    },
    ticketInfo: { ticketNumber: 'CONTOSO:Normal-67890', ticketSystem: 'MS Project' },
  };
}

/** PIM-API.md §1.1, documented 201 response (no @odata.type anywhere, as Graph answers). */
function selfActivateResponse(): Record<string, unknown> {
  return {
    '@odata.context': `${GRAPH}/v1.0/$metadata#roleManagement/directory/roleAssignmentScheduleRequests/$entity`,
    id: REQUEST_ID,
    status: 'Granted',
    createdDateTime: '2022-04-13T08:52:32.6485851Z',
    completedDateTime: '2022-04-14T00:00:00Z',
    approvalId: null,
    customData: null,
    action: 'selfActivate',
    principalId: ME,
    roleDefinitionId: ATTRIBUTE_ADMIN,
    directoryScopeId: '/',
    appScopeId: null,
    isValidationOnly: false,
    targetScheduleId: REQUEST_ID,
    justification:
      'I need access to the Attribute Administrator role to manage attributes to be assigned to restricted AUs',
    createdBy: { application: null, device: null, user: { displayName: null, id: ME } },
    scheduleInfo: {
      startDateTime: '2022-04-14T00:00:00Z',
      recurrence: null,
      expiration: { type: 'afterDuration', endDateTime: null, duration: 'PT5H' },
    },
    ticketInfo: { ticketNumber: 'CONTOSO:Normal-67890', ticketSystem: 'MS Project' },
  };
}

function errorBody(code: string, message: string, date = '2024-09-21T22:53:02'): Record<string, unknown> {
  return {
    error: {
      code,
      message,
      innerError: {
        date,
        'request-id': '0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
        'client-request-id': 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e',
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Policy fixture: PIM-API.md §2, the 17 rules of a directory role policy, expanded as Graph returns
// them for GET /policies/roleManagementPolicyAssignments?$filter=…&$expand=policy($expand=rules).
// ---------------------------------------------------------------------------------------------

const RULE = '#microsoft.graph.unifiedRoleManagementPolicy';

function target(caller: 'Admin' | 'EndUser', level: 'Assignment' | 'Eligibility'): Record<string, unknown> {
  // Graph answers operations in PascalCase ("All") although the enum is camelCase: §8.2.
  return { caller, operations: ['All'], level, inheritableSettings: [], enforcedSettings: [] };
}

function notificationRules(
  scope: 'Admin_Eligibility' | 'Admin_Assignment' | 'EndUser_Assignment',
): Record<string, unknown>[] {
  const [caller, level] = scope.split('_') as ['Admin' | 'EndUser', 'Assignment' | 'Eligibility'];
  return (['Admin', 'Requestor', 'Approver'] as const).map((recipient) => ({
    '@odata.type': `${RULE}NotificationRule`,
    id: `Notification_${recipient}_${scope}`,
    notificationType: 'Email',
    recipientType: recipient,
    notificationLevel: 'All',
    isDefaultRecipientsEnabled: true,
    notificationRecipients: recipient === 'Admin' ? ['pim-admins@contoso.com'] : [],
    target: target(caller, level),
  }));
}

function seventeenRules(): Record<string, unknown>[] {
  return [
    {
      '@odata.type': `${RULE}ExpirationRule`,
      id: 'Expiration_Admin_Eligibility',
      isExpirationRequired: false,
      maximumDuration: 'P365D',
      target: target('Admin', 'Eligibility'),
    },
    {
      '@odata.type': `${RULE}EnablementRule`,
      id: 'Enablement_Admin_Eligibility',
      enabledRules: [],
      target: target('Admin', 'Eligibility'),
    },
    ...notificationRules('Admin_Eligibility'),
    {
      '@odata.type': `${RULE}ExpirationRule`,
      id: 'Expiration_Admin_Assignment',
      isExpirationRequired: false,
      maximumDuration: 'P180D',
      target: target('Admin', 'Assignment'),
    },
    {
      '@odata.type': `${RULE}EnablementRule`,
      id: 'Enablement_Admin_Assignment',
      enabledRules: ['Justification'],
      target: target('Admin', 'Assignment'),
    },
    ...notificationRules('Admin_Assignment'),
    {
      '@odata.type': `${RULE}ExpirationRule`,
      id: 'Expiration_EndUser_Assignment',
      isExpirationRequired: true,
      maximumDuration: 'PT8H',
      target: target('EndUser', 'Assignment'),
    },
    {
      '@odata.type': `${RULE}EnablementRule`,
      id: 'Enablement_EndUser_Assignment',
      enabledRules: ['MultiFactorAuthentication', 'Justification'],
      target: target('EndUser', 'Assignment'),
    },
    {
      '@odata.type': `${RULE}ApprovalRule`,
      id: 'Approval_EndUser_Assignment',
      target: target('EndUser', 'Assignment'),
      setting: {
        isApprovalRequired: true,
        isApprovalRequiredForExtension: false,
        isRequestorJustificationRequired: true,
        approvalMode: 'SingleStage',
        approvalStages: [
          {
            approvalStageTimeOutInDays: 1,
            isApproverJustificationRequired: true,
            escalationTimeInMinutes: 0,
            isEscalationEnabled: false,
            primaryApprovers: [
              {
                '@odata.type': '#microsoft.graph.singleUser',
                userId: '3b3e0a8b-4a6c-4f4e-9f0e-1c2d3e4f5a6b',
                description: 'Alex',
              },
              {
                '@odata.type': '#microsoft.graph.groupMembers',
                groupId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
                description: 'PIM approvers',
              },
            ],
            escalationApprovers: [],
          },
        ],
      },
    },
    {
      '@odata.type': `${RULE}AuthenticationContextRule`,
      id: 'AuthenticationContext_EndUser_Assignment',
      isEnabled: false,
      claimValue: null,
      target: target('EndUser', 'Assignment'),
    },
    ...notificationRules('EndUser_Assignment'),
  ];
}

function policyAssignmentsResponse(rules = seventeenRules()): Record<string, unknown> {
  const policyId = `DirectoryRole_${TENANT}_1480be53-a0a2-4b0b-b9c6-8c8f8a5a4f0e`;
  return {
    '@odata.context': `${GRAPH}/v1.0/$metadata#policies/roleManagementPolicyAssignments(policy(rules()))`,
    value: [
      {
        id: `${policyId}_${ATTRIBUTE_ADMIN}`,
        policyId,
        scopeId: '/',
        scopeType: 'DirectoryRole',
        roleDefinitionId: ATTRIBUTE_ADMIN,
        policy: {
          id: policyId,
          displayName: 'DirectoryRole',
          description: 'DirectoryRole',
          isOrganizationDefault: false,
          scopeId: '/',
          scopeType: 'DirectoryRole',
          lastModifiedDateTime: null,
          lastModifiedBy: { displayName: null, id: null },
          'rules@odata.context': `${GRAPH}/v1.0/$metadata#policies/roleManagementPolicyAssignments('x')/policy/rules`,
          rules,
        },
      },
    ],
  };
}

const POLICY_URL = `/v1.0/policies/roleManagementPolicyAssignments?$filter=${encodeURIComponent(
  `scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq '${ATTRIBUTE_ADMIN}'`,
)}&$expand=${encodeURIComponent('policy($expand=rules)')}`;

function eligibilityInstancesResponse(): Record<string, unknown> {
  return {
    '@odata.context': `${GRAPH}/v1.0/$metadata#roleManagement/directory/roleEligibilityScheduleInstances`,
    '@odata.nextLink': `${GRAPH}/v1.0/roleManagement/directory/roleEligibilityScheduleInstances?$skiptoken=ZXlKaGJHY2lPaUpJVXpJMU5pSjk`,
    value: [1, 2].map((n) => ({
      id: `lAPpYvVpN0KRkAEhdxReEJC2sEqbR_9Hr48lds9SGHI-${n}-e`,
      principalId: ME,
      roleDefinitionId: ATTRIBUTE_ADMIN,
      directoryScopeId: '/',
      appScopeId: null,
      startDateTime: '2022-04-12T14:44:50.287Z',
      endDateTime: null,
      memberType: 'Direct',
      roleEligibilityScheduleId: `dfbe49e8-f1a4-4d7c-b1cc-6a4e7c8b${n}0aa`,
    })),
  };
}

// ---------------------------------------------------------------------------------------------

describe('Entra role self-activation (PIM-API.md §1.1)', () => {
  it('accepts the documented selfActivate request with the camelCase afterDuration', () => {
    expect(contract.checkRequest('POST', REQUESTS, selfActivateRequest())).toEqual([]);
  });

  it('rejects the docs\' PascalCase "AfterDuration" in a request and says what to send', () => {
    const body = selfActivateRequest();
    body.scheduleInfo = {
      startDateTime: '2022-04-14T00:00:00.000Z',
      expiration: { type: 'AfterDuration', duration: 'PT5H' },
    };
    const violations = contract.checkRequest('POST', REQUESTS, body);
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ where: 'request', method: 'POST', path: REQUESTS });
    expect(violations[0].message).toContain('/scheduleInfo/expiration/type');
    expect(violations[0].message).toContain("got 'AfterDuration'");
    expect(violations[0].message).toContain("send 'afterDuration'");
  });

  it('accepts the documented 201 response, which carries no @odata.type', () => {
    expect(contract.checkResponse('POST', REQUESTS, 201, selfActivateResponse())).toEqual([]);
  });

  it('compares response enums case-insensitively ("action": "SelfActivate")', () => {
    const body = { ...selfActivateResponse(), action: 'SelfActivate' };
    expect(contract.checkResponse('POST', REQUESTS, 201, body)).toEqual([]);
  });

  it('still rejects a response enum value that is not a member in any casing', () => {
    const body = { ...selfActivateResponse(), action: 'selfElevate' };
    expect(messages(contract.checkResponse('POST', REQUESTS, 201, body))).toContain(
      '/action must be one of the unifiedRoleScheduleRequestActions values',
    );
  });

  it('checks a whole exchange (request and response) in one call', () => {
    const exchange: GraphExchange = {
      method: 'POST',
      url: `${GRAPH}${REQUESTS}`,
      requestBody: JSON.stringify(selfActivateRequest()),
      status: 201,
      responseBody: selfActivateResponse(),
    };
    expect(contract.check(exchange)).toEqual([]);
  });
});

describe('malformed payloads are rejected with a readable message', () => {
  it('scheduleInfo of the wrong type', () => {
    const body = { ...selfActivateRequest(), scheduleInfo: 'PT5H' };
    expect(messages(contract.checkRequest('POST', REQUESTS, body))).toContain(
      '/scheduleInfo must be object, got string "PT5H"',
    );
  });

  it('principalId as a number', () => {
    const body = { ...selfActivateRequest(), principalId: 42 };
    expect(messages(contract.checkRequest('POST', REQUESTS, body))).toContain(
      '/principalId must be string or null, got number 42',
    );
  });

  it('an action that is not a unifiedRoleScheduleRequestActions member', () => {
    const body = { ...selfActivateRequest(), action: 'selfElevate' };
    const text = messages(contract.checkRequest('POST', REQUESTS, body));
    expect(text).toContain("/action must be one of the unifiedRoleScheduleRequestActions values 'adminAssign'");
    expect(text).toContain("got 'selfElevate'");
  });

  it('a property Graph does not declare (Graph answers 400 for those)', () => {
    const body = { ...selfActivateRequest(), durationHours: 5 };
    expect(messages(contract.checkRequest('POST', REQUESTS, body))).toContain(
      "(root) has unknown property 'durationHours'",
    );
  });

  it('a collection whose value is not an array', () => {
    const body = { ...eligibilityInstancesResponse(), value: { id: 'x' } };
    const violations = contract.checkResponse(
      'GET',
      '/v1.0/roleManagement/directory/roleEligibilityScheduleInstances',
      200,
      body,
    );
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ where: 'response', status: 200 });
    expect(violations[0].message).toContain('/value must be array, got object {"id":"x"}');
  });

  it('an error envelope without error.code', () => {
    const body = { error: { message: 'The following policy rules failed: ["MfaRule"]' } };
    expect(messages(contract.checkResponse('POST', REQUESTS, 400, body))).toContain(
      "response body does not match microsoft.graph.ODataErrors.ODataError (4XX): /error must have required property 'code'",
    );
  });

  it('a body that is not JSON', () => {
    expect(messages(contract.checkResponse('POST', REQUESTS, 201, '<html>oops</html>'))).toContain(
      'response body is not JSON',
    );
  });
});

describe('error responses (PIM-API.md §3, §8.3)', () => {
  it('accepts the PIM policy error with innerError.date lacking a UTC offset', () => {
    const body = errorBody(
      'RoleAssignmentRequestPolicyValidationFailed',
      'The following policy rules failed: ["MfaRule"]',
    );
    expect(contract.checkResponse('POST', REQUESTS, 400, body)).toEqual([]);
  });

  it('still rejects an innerError.date that is not a date', () => {
    const body = errorBody('UnknownError', 'x', 'yesterday');
    expect(messages(contract.checkResponse('POST', REQUESTS, 400, body))).toContain('/error/innerError/date');
  });

  it('uses the 5XX error schema for a 503 and the 4XX one for a 429', () => {
    expect(contract.checkResponse('GET', '/v1.0/me', 503, errorBody('ServiceUnavailable', 'retry'))).toEqual([]);
    expect(contract.checkResponse('GET', '/v1.0/me', 429, errorBody('TooManyRequests', 'slow down'))).toEqual([]);
    expect(messages(contract.checkResponse('GET', '/v1.0/me', 429, undefined))).toContain('none was sent');
  });
});

describe('status codes and empty bodies', () => {
  const cancel = `${REQUESTS}/${REQUEST_ID}/cancel`;

  it('accepts cancel → 204 without a body (an empty JSON object as request body is fine)', () => {
    expect(contract.check({ method: 'POST', url: cancel, requestBody: {}, status: 204 })).toEqual([]);
    expect(contract.check({ method: 'POST', url: cancel, status: 204, responseBody: '' })).toEqual([]);
  });

  it('rejects a 204 that carries a body', () => {
    const violations = contract.checkResponse('POST', cancel, 204, { status: 'Canceled' });
    expect(violations).toHaveLength(1);
    expect(violations[0].message).toContain('204 No Content must not carry a body');
  });

  it('rejects a status the operation does not describe (cancel only describes 204, 4XX, 5XX)', () => {
    expect(messages(contract.checkResponse('POST', cancel, 200, {}))).toContain(
      'status 200 is not described (described: 204, 4XX, 5XX)',
    );
  });

  it('accepts a 204 for a PATCH whose 2XX describes a body (Graph answers updates with 204)', () => {
    const url = `/v1.0/policies/roleManagementPolicies/DirectoryRole_${TENANT}_x/rules/Expiration_EndUser_Assignment`;
    expect(contract.checkResponse('PATCH', url, 204, undefined)).toEqual([]);
  });
});

describe('routing', () => {
  it('rejects a path that is not in the description', () => {
    const violations = contract.checkRequest('GET', '/v1.0/roleManagement/directory/roleAssignments');
    expect(violations).toEqual([
      expect.objectContaining({
        where: 'request',
        message: 'GET /v1.0/roleManagement/directory/roleAssignments is not in the OpenAPI description (v1.0)',
      }),
    ]);
  });

  it('reports an unknown path once per exchange, not again for the response', () => {
    expect(contract.check({ method: 'GET', url: '/v1.0/nope', status: 404 })).toHaveLength(1);
  });

  it('knows directory-role approvals exist only in beta (PIM-API.md §0)', () => {
    expect(contract.match('GET', `/beta/roleManagement/directory/roleAssignmentApprovals/${REQUEST_ID}`)).toBeDefined();
    expect(
      messages(contract.checkRequest('GET', `/v1.0/roleManagement/directory/roleAssignmentApprovals/${REQUEST_ID}`)),
    ).toContain('is not in the OpenAPI description (v1.0)');
  });

  it('rejects a method the path does not describe', () => {
    expect(messages(contract.checkRequest('DELETE', `${REQUESTS}/${REQUEST_ID}`, undefined))).toContain(
      'only describes GET',
    );
  });

  it('matches filterByCurrentUser with %27 quotes to the function template, not to {id}', () => {
    const match = contract.match(
      'GET',
      `${GRAPH}/v1.0/roleManagement/directory/roleEligibilitySchedules/filterByCurrentUser(on=%27principal%27)?$expand=roleDefinition`,
    );
    expect(match).toMatchObject({
      version: 'v1.0',
      template: "/roleManagement/directory/roleEligibilitySchedules/filterByCurrentUser(on='{on}')",
      params: { on: 'principal' },
    });
  });

  it('matches filterByCurrentUser with literal quotes too', () => {
    const url = `${REQUESTS}/filterByCurrentUser(on='approver')?$filter=status eq 'PendingApproval'`;
    expect(contract.match('GET', url)?.params).toEqual({ on: 'approver' });
    expect(contract.checkRequest('GET', url)).toEqual([]);
  });

  it("validates the function parameter against its enum (eligibility functions only take 'principal')", () => {
    const url = "/v1.0/roleManagement/directory/roleEligibilitySchedules/filterByCurrentUser(on='approver')";
    expect(messages(contract.checkRequest('GET', url))).toContain(
      "path parameter on='approver' must be one of the roleEligibilityScheduleFilterByCurrentUserOptions values 'principal', 'unknownFutureValue'",
    );
  });

  it('rejects a query option the operation does not declare, and a negative $top', () => {
    const text = messages(
      contract.checkRequest('GET', `/v1.0/roleManagement/directory/roleDefinitions/${ATTRIBUTE_ADMIN}?$top=-1`),
    );
    expect(text).toContain('query option $top is not declared for this operation (declared: $select, $expand)');
    expect(messages(contract.checkRequest('GET', '/v1.0/roleManagement/directory/roleDefinitions?$top=-1'))).toContain(
      'query option $top=-1 must be >= 0',
    );
  });

  it('accepts following @odata.nextLink verbatim ($skiptoken is a server-side option)', () => {
    const next = eligibilityInstancesResponse()['@odata.nextLink'] as string;
    expect(contract.checkRequest('GET', next)).toEqual([]);
  });
});

describe('approvals (PIM-API.md §4)', () => {
  const betaStep = `/beta/roleManagement/directory/roleAssignmentApprovals/${REQUEST_ID}/steps/${REQUEST_ID}`;
  const v1Stage = `/v1.0/identityGovernance/privilegedAccess/group/assignmentApprovals/${REQUEST_ID}/stages/${REQUEST_ID}`;

  it('accepts the beta Entra approval step PATCH and its 204', () => {
    expect(
      contract.check({
        method: 'PATCH',
        url: betaStep,
        requestBody: { reviewResult: 'Approve', justification: 'ok' },
        status: 204,
      }),
    ).toEqual([]);
  });

  it('accepts the beta approval with its steps', () => {
    const body = {
      id: REQUEST_ID,
      steps: [
        {
          id: REQUEST_ID,
          displayName: null,
          reviewedDateTime: null,
          reviewResult: 'NotReviewed',
          status: 'InProgress',
          assignedToMe: true,
          justification: '',
          reviewedBy: null,
        },
      ],
    };
    expect(
      contract.checkResponse('GET', `/beta/roleManagement/directory/roleAssignmentApprovals/${REQUEST_ID}`, 200, body),
    ).toEqual([]);
  });

  it('accepts the v1.0 group approval stage PATCH', () => {
    expect(
      contract.check({
        method: 'PATCH',
        url: v1Stage,
        requestBody: { reviewResult: 'Deny', justification: 'not today' },
        status: 204,
      }),
    ).toEqual([]);
  });

  it('rejects the v1.0 docs page path /steps/ (metadata says /stages/, §4 and §8.5)', () => {
    expect(
      contract.checkRequest('PATCH', v1Stage.replace('/stages/', '/steps/'), {
        reviewResult: 'Approve',
        justification: 'ok',
      }),
    ).toHaveLength(1);
  });

  it('rejects a PATCH that changes a property the stage does not have', () => {
    expect(
      messages(contract.checkRequest('PATCH', v1Stage, { reviewResult: 'Approve', decision: 'Approve' })),
    ).toContain("has unknown property 'decision'");
  });

  it('never enum-validates status/reviewResult/caller/level/notification* (§8.4: plain strings in the description)', () => {
    for (const version of ['v1.0', 'beta']) {
      const doc = parse(readFileSync(new URL(`./openapi/pim-openapi-${version}.yaml`, import.meta.url), 'utf8'));
      for (const [schemaName, props] of Object.entries(PLAIN_STRING_PROPERTIES)) {
        const schema = doc.components.schemas[schemaName];
        if (schema === undefined) continue;
        const parts = [schema, ...(schema.allOf ?? [])];
        for (const prop of props) {
          const found = parts
            .map(
              (p: { properties?: Record<string, { type?: string; items?: { type?: string } }> }) =>
                p.properties?.[prop],
            )
            .find(Boolean);
          expect(found, `${version} ${schemaName}.${prop}`).toBeDefined();
          expect(found?.type === 'string' || found?.items?.type === 'string', `${version} ${schemaName}.${prop}`).toBe(
            true,
          );
        }
      }
    }
    expect(contract.enumRelaxations).toEqual([]);
  });
});

describe('policies and discriminators (PIM-API.md §2)', () => {
  it('accepts a policy assignment list with the expanded policy and its 17 rules', () => {
    const body = policyAssignmentsResponse();
    expect(
      ((body.value as Record<string, { rules: unknown[] }>[])[0].policy as { rules: unknown[] }).rules,
    ).toHaveLength(17);
    expect(contract.check({ method: 'GET', url: POLICY_URL, status: 200, responseBody: body })).toEqual([]);
  });

  it('dispatches on @odata.type: a typed rule is held to its derived schema', () => {
    const rules = seventeenRules();
    rules[0] = { ...rules[0], maximumDuration: 365 };
    const text = messages(contract.checkResponse('GET', POLICY_URL, 200, policyAssignmentsResponse(rules)));
    expect(text).toContain('/value/0/policy/rules/0/maximumDuration must be string or null, got number 365');
  });

  it('without @odata.type only the base type can be checked (what Graph usually sends)', () => {
    const rules = seventeenRules();
    const { '@odata.type': _dropped, ...untyped } = rules[0];
    rules[0] = { ...untyped, maximumDuration: 365 };
    expect(contract.checkResponse('GET', POLICY_URL, 200, policyAssignmentsResponse(rules))).toEqual([]);
  });

  it('requires a known @odata.type for a rule PATCH that sets derived properties', () => {
    const url = `/v1.0/policies/roleManagementPolicies/DirectoryRole_${TENANT}_x/rules/Expiration_EndUser_Assignment`;
    const patch = {
      '@odata.type': `${RULE}ExpirationRule`,
      id: 'Expiration_EndUser_Assignment',
      isExpirationRequired: true,
      maximumDuration: 'PT4H',
      target: { caller: 'EndUser', operations: ['all'], level: 'Assignment' },
    };
    expect(contract.checkRequest('PATCH', url, patch)).toEqual([]);

    const { '@odata.type': _t, ...untyped } = patch;
    expect(messages(contract.checkRequest('PATCH', url, untyped))).toContain("has unknown property 'maximumDuration'");
    expect(
      messages(contract.checkRequest('PATCH', url, { ...patch, '@odata.type': '#microsoft.graph.user' })),
    ).toContain("has '@odata.type': '#microsoft.graph.user'");
    expect(messages(contract.checkRequest('PATCH', url, { ...patch, target: { operations: ['All'] } }))).toContain(
      "send 'all'",
    );
  });
});

describe('eligibility reads (PIM-API.md §1.5)', () => {
  it('accepts a roleEligibilityScheduleInstances page with @odata.nextLink and @odata.context', () => {
    const url = `/v1.0/roleManagement/directory/roleEligibilityScheduleInstances?$filter=${encodeURIComponent(`principalId eq '${ME}'`)}`;
    expect(contract.check({ method: 'GET', url, status: 200, responseBody: eligibilityInstancesResponse() })).toEqual(
      [],
    );
  });

  it('accepts filterByCurrentUser with an expanded roleDefinition and a PascalCase enum', () => {
    const url =
      "/v1.0/roleManagement/directory/roleEligibilitySchedules/filterByCurrentUser(on='principal')?$expand=roleDefinition";
    const body = {
      value: [
        {
          id: 'e1',
          status: 'Provisioned',
          memberType: 'Direct',
          scheduleInfo: {
            startDateTime: '2024-01-01T00:00:00Z',
            expiration: { type: 'NoExpiration', endDateTime: null, duration: null },
          },
          roleDefinition: {
            id: ATTRIBUTE_ADMIN,
            displayName: 'Attribute Administrator',
            isBuiltIn: true,
            isEnabled: true,
            rolePermissions: [],
          },
        },
      ],
    };
    expect(contract.check({ method: 'GET', url, status: 200, responseBody: body })).toEqual([]);
  });
});

describe('robustness', () => {
  it('ignores formats Ajv does not know instead of crashing', () => {
    const doc = (version: string) => ({
      openapi: '3.0.4',
      info: { title: 't', version },
      paths: {
        '/things/{id}': {
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          get: {
            responses: {
              '2XX': {
                description: 'ok',
                content: { 'application/json': { schema: { $ref: '#/components/schemas/thing' } } },
              },
            },
          },
        },
      },
      components: {
        schemas: {
          thing: {
            type: 'object',
            properties: { when: { type: 'string', format: 'edm-fancy' }, n: { type: 'number', format: 'int32' } },
          },
        },
      },
    });
    const small = new GraphContract({ 'v1.0': doc('v1.0'), beta: doc('beta') });
    expect(small.checkResponse('GET', '/v1.0/things/1', 200, { when: 'whenever', n: 3 })).toEqual([]);
    expect(messages(small.checkResponse('GET', '/v1.0/things/1', 200, { n: 2 ** 40 }))).toContain(
      '/n must be a valid int32, got number 1099511627776',
    );
    expect(small.unknownFormats).toEqual(['edm-fancy']);
  });

  it('validates Graph formats: duration, uuid-shaped ids, date-time', () => {
    const body = selfActivateRequest();
    body.scheduleInfo = {
      startDateTime: '2022-04-14 00:00',
      expiration: { type: 'afterDuration', duration: '5 hours' },
    };
    const text = messages(contract.checkRequest('POST', REQUESTS, body));
    expect(text).toContain('/scheduleInfo/startDateTime must');
    expect(text).toContain('/scheduleInfo/expiration/duration must');
  });
});

describe('recordingFetch and assertNoContractViolations', () => {
  function fakeGraph(): typeof fetch {
    return async (input, init) => {
      const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
      const method = init?.method ?? 'GET';
      if (url.pathname.endsWith('/cancel')) return new Response(null, { status: 204 });
      if (method === 'POST') return Response.json(selfActivateResponse(), { status: 201 });
      if (url.pathname === '/v1.0/me') return Response.json({ id: ME, displayName: 'Megan' });
      if (url.pathname === '/v1.0/roleManagement/directory/roleAssignments') return Response.json({ value: [] });
      return new Response('not graph', { status: 200 });
    };
  }

  it('records only /v1.0 and /beta exchanges and leaves the response readable', async () => {
    const violations: ContractViolation[] = [];
    const exchanges: GraphExchange[] = [];
    const fetchGraph = recordingFetch(GraphContract.load(), violations, { fetch: fakeGraph(), exchanges });

    const created = await fetchGraph(`${GRAPH}${REQUESTS}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(selfActivateRequest()),
    });
    expect(((await created.json()) as { status: string }).status).toBe('Granted');
    await fetchGraph(new Request(`${GRAPH}${REQUESTS}/${REQUEST_ID}/cancel`, { method: 'POST' }));
    await fetchGraph(new URL(`${GRAPH}/v1.0/me?$select=id,displayName`));
    expect(await (await fetchGraph('https://login.microsoftonline.com/common/discovery')).text()).toBe('not graph');

    expect(exchanges.map((e) => `${e.method} ${e.status}`)).toEqual(['POST 201', 'POST 204', 'GET 200']);
    expect(violations).toEqual([]);
    expect(() => assertNoContractViolations(violations)).not.toThrow();
  });

  it('checks only the response when the request body is a stream it cannot read without consuming', async () => {
    const violations: ContractViolation[] = [];
    const fetchGraph = recordingFetch(GraphContract.load(), violations, { fetch: fakeGraph() });
    const stream = new Blob([JSON.stringify(selfActivateRequest())]).stream();
    const response = await fetchGraph(`${GRAPH}${REQUESTS}`, { method: 'POST', body: stream });
    expect(response.status).toBe(201);
    expect(violations).toEqual([]);
  });

  it('collects violations and fails with a readable list', async () => {
    const violations: ContractViolation[] = [];
    const fetchGraph = recordingFetch(GraphContract.load(), violations, { fetch: fakeGraph() });
    const body = { ...selfActivateRequest(), action: 'SelfActivate' };
    await fetchGraph(`${GRAPH}${REQUESTS}`, { method: 'POST', body: JSON.stringify(body) });
    await fetchGraph(`${GRAPH}/v1.0/roleManagement/directory/roleAssignments`);

    expect(violations).toHaveLength(2);
    expect(() => assertNoContractViolations(violations)).toThrowError(
      /2 Graph contract violations[\s\S]*1\) request: POST \/v1\.0\/roleManagement\/directory\/roleAssignmentScheduleRequests[\s\S]*send 'selfActivate'[\s\S]*2\) request: GET \/v1\.0\/roleManagement\/directory\/roleAssignments[\s\S]*not in the OpenAPI description/,
    );
  });
});

describe('speed: every test exchange goes through the check', () => {
  it('checks one exchange in well under a millisecond after warm-up', () => {
    const policy = policyAssignmentsResponse();
    const instances = eligibilityInstancesResponse();
    const request = selfActivateRequest();
    const response = selfActivateResponse();
    const exchanges = (i: number): GraphExchange[] => [
      { method: 'POST', url: `${GRAPH}${REQUESTS}`, requestBody: request, status: 201, responseBody: response },
      { method: 'GET', url: `${REQUESTS}/${i}-${REQUEST_ID}`, status: 200, responseBody: response },
      {
        method: 'GET',
        url: '/v1.0/roleManagement/directory/roleEligibilityScheduleInstances',
        status: 200,
        responseBody: instances,
      },
      { method: 'POST', url: `${REQUESTS}/${i}/cancel`, status: 204 },
      {
        method: 'POST',
        url: `${GRAPH}${REQUESTS}`,
        requestBody: request,
        status: 400,
        responseBody: errorBody('RoleAssignmentExists', 'The Role assignment already exists.'),
      },
    ];
    const policyExchange: GraphExchange = { method: 'GET', url: POLICY_URL, status: 200, responseBody: policy };

    for (let i = 0; i < 50; i++) {
      for (const e of exchanges(i)) expect(contract.check(e)).toEqual([]);
      expect(contract.check(policyExchange)).toEqual([]);
    }

    const rounds = 400;
    let start = performance.now();
    for (let i = 0; i < rounds; i++) for (const e of exchanges(i)) contract.check(e);
    const typical = (performance.now() - start) / (rounds * 5);
    start = performance.now();
    for (let i = 0; i < rounds; i++) contract.check(policyExchange);
    const policyMs = (performance.now() - start) / rounds;

    console.info(
      `contract check: ${(typical * 1000).toFixed(1)} µs per typical exchange, ${(policyMs * 1000).toFixed(1)} µs for the 17-rule policy list`,
    );
    expect(typical).toBeLessThan(1);
    expect(policyMs).toBeLessThan(1);
  });
});
