import { describe, expect, it } from 'vitest';
import { parseClaimsChallenge, toPimError } from '../../src/pim/pim-error';

/**
 * Every form of PIM's authentication-context refusal listed in simulators/graph/FIDELITY.md, written
 * out by hand from the sources (not produced by the simulator), parsed by the client.
 */
const C1 = { access_token: { acrs: { essential: true, value: 'c1' } } };
// The claims text as PIM writes it: note the space after the comma (PIM-API.md §3).
const RAW = '{"access_token":{"acrs":{"essential":true, "value":"c1"}}}';
// Azure/azure-powershell#25421: the same JSON, URL-encoded after "&claims=".
const ENCODED =
  '%7B%22access_token%22%3A%7B%22acrs%22%3A%7B%22essential%22%3Atrue%2C%20%22value%22%3A%22c1%22%7D%7D%7D';

const forms: Array<{ name: string; code: string; message: string }> = [
  {
    name: 'raw JSON after claims=',
    code: 'RoleAssignmentRequestAcrsValidationFailed',
    message: `The request failed validation. RoleAssignmentRequestAcrsValidationFailed claims=${RAW}`,
  },
  {
    name: 'URL-encoded after &claims=',
    code: 'RoleAssignmentRequestAcrsValidationFailed',
    message: `&claims=${ENCODED}`,
  },
  {
    name: 'UnknownError wrapping the service JSON error with URL-encoded claims',
    code: 'UnknownError',
    message: JSON.stringify({
      errorCode: 'RoleAssignmentRequestAcrsValidationFailed',
      message: `The request failed validation. &claims=${ENCODED}`,
      instanceAnnotations: [],
    }),
  },
  {
    name: 'UnknownError wrapping raw claims (PIM for Groups)',
    code: 'UnknownError',
    message: `RoleAssignmentRequestAcrsValidationFailed claims=${RAW}`,
  },
];

const failure = (code: string, message: string) => ({
  httpStatus: 400,
  code,
  message,
  requestId: 'r-1',
  retryAfterSeconds: null,
});

describe('authentication-context claims challenge forms', () => {
  for (const form of forms) {
    it(`parses ${form.name}`, () => {
      const claims = parseClaimsChallenge(form.message);
      expect(claims && JSON.parse(claims)).toEqual(C1);
      const err = toPimError(failure(form.code, form.message), { operation: 'activate' });
      expect(err.kind).toBe('StepUpRequired');
      expect(err.claims && JSON.parse(err.claims)).toEqual(C1);
    });
  }

  it('without claims in the message, builds them from the policy authentication context id', () => {
    const err = toPimError(failure('RoleAssignmentRequestAcrsValidationFailed', 'The request failed validation.'), {
      operation: 'activate',
      policy: {
        policyId: 'p',
        maxDuration: 'PT8H',
        maxDurationMinutes: 480,
        requiresJustification: false,
        requiresTicket: false,
        requiresMfa: false,
        authContext: 'c7',
        requiresApproval: false,
        approvers: [],
        approverJustificationRequired: false,
      },
    });
    expect(err.kind).toBe('StepUpRequired');
    expect(JSON.parse(err.claims ?? 'null')).toEqual({ access_token: { acrs: { essential: true, value: 'c7' } } });
  });

  it('finds nothing in a message without a claims challenge', () => {
    expect(parseClaimsChallenge('The following policy rules failed: ["MfaRule"]')).toBeNull();
    expect(parseClaimsChallenge('claims=not json')).toBeNull();
  });
});
