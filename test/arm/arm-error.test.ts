import { describe, expect, it } from 'vitest';
import { type ArmFailure, toArmError } from '../../src/arm/arm-error';
import { ArmTransport, challengeClaims } from '../../src/arm/arm-transport';

/**
 * ARM failures given meaning, from the texts the field guide quotes (ARM-PIM.md §2, §5, §6): the expected claims
 * are the guide's own decoding, the rule lists its examples.
 */

const failure = (f: Partial<ArmFailure>): ArmFailure => ({
  httpStatus: 400,
  code: null,
  message: null,
  requestId: 'r-1',
  retryAfterSeconds: null,
  ...f,
});

describe('toArmError', () => {
  it("the auth-context refusal of Azure/azure-powershell#25421: the message is only '&claims=<url-encoded>'", () => {
    const err = toArmError(
      failure({
        code: 'RoleAssignmentRequestAcrsValidationFailed',
        message:
          '&claims=%7B%22access_token%22%3A%7B%22acrs%22%3A%7B%22essential%22%3Atrue%2C%20%22value%22%3A%22c1%22%7D%7D%7D',
      }),
      { operation: 'activate', target: 'Owner on Prod' },
    );
    expect(err.kind).toBe('StepUpRequired');
    expect(JSON.parse(err.claims ?? '')).toEqual({ access_token: { acrs: { essential: true, value: 'c1' } } });
    expect(err.message).toContain('Owner on Prod');
    expect(err.requestId).toBe('r-1');
  });

  it('policy rules: every rule of the list named, with the policy maximum when known', () => {
    const err = toArmError(
      failure({
        code: 'RoleAssignmentRequestPolicyValidationFailed',
        message: 'The following policy rules failed: ["ExpirationRule","TicketingRule"].',
      }),
      { operation: 'activate', target: 'Contributor on rg-web-prod', maxDurationMinutes: 480 },
    );
    expect(err.failedRules).toEqual(['ExpirationRule', 'TicketingRule']);
    expect(err.message).toBe(
      'Contributor on rg-web-prod allows at most 8 hours. Contributor on rg-web-prod requires a ticket number.',
    );
  });

  it.each([
    ['ActiveDurationTooShort', 400, 'DurationTooShort'],
    ['RoleAssignmentExists', 409, 'AlreadyActive'],
    ['RoleAssignmentDoesNotExist', 400, 'NotActive'],
    ['AuthorizationFailed', 403, 'Forbidden'],
    ['RoleAssignmentScheduleRequestNotFound', 404, 'NotFound'],
    ['TooManyRequests', 429, 'Throttled'],
    ['ServiceUnavailable', 503, 'Unavailable'],
    ['InvalidAuthenticationTokenAudience', 401, 'Unauthenticated'],
  ])('%s (HTTP %i) → %s', (code, httpStatus, kind) => {
    expect(toArmError(failure({ code, httpStatus }), { operation: 'read' }).kind).toBe(kind);
  });
});

describe('claims in WWW-Authenticate (ARM-PIM.md §2)', () => {
  const claims = '{"access_token":{"acrs":{"essential":true,"values":["p1"]}}}';
  const header = `Bearer authorization_uri="https://login.microsoftonline.com/t", error="insufficient_claims", claims="${Buffer.from(claims).toString('base64')}"`;

  it('a 401 insufficient_claims challenge gives the decoded JSON; anything else gives none', () => {
    expect(challengeClaims(401, header)).toBe(claims);
    expect(challengeClaims(403, header)).toBeNull();
    expect(challengeClaims(401, 'Bearer authorization_uri="x", error="invalid_token"')).toBeNull();
  });
});

describe('nextLink', () => {
  it('is followed only on the ARM host: the token never goes to another one', async () => {
    const asked: string[] = [];
    const fetchStub = (async (input: Parameters<typeof fetch>[0]) => {
      asked.push(String(input));
      return new Response(JSON.stringify({ value: [1], nextLink: 'https://elsewhere.example/next' }), { status: 200 });
    }) as typeof fetch;
    const http = new ArmTransport({
      baseUrl: 'https://management.azure.com',
      token: async () => 't',
      fetch: fetchStub,
    });
    await expect(
      http.list(http.url('/providers/Microsoft.Authorization/roleEligibilityScheduleInstances', '2020-10-01')),
    ).rejects.toMatchObject({
      failure: { code: 'ForeignNextLink' },
    });
    expect(asked.every((u) => u.startsWith('https://management.azure.com/'))).toBe(true);
  });
});
