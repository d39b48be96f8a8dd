import { describe, expect, it } from 'vitest';
import { classifyOboRefusal } from '../../src/identity/obo-refusal';

// How a refusal of the on-behalf-of exchange is read, from what @azure/identity throws (an AuthenticationRequiredError
// whose message keeps MSAL's "<error>: <error_description>", the claims dropped: Azure/azure-sdk-for-js#38707) and the
// token endpoint's JSON answer when it was seen. The answers are Microsoft's published ones:
// - v2-oauth2-on-behalf-of-flow "Error response example" (interaction_required, AADSTS50079, polids claims);
// - AzureAD/microsoft-authentication-library-for-js#5491 (invalid_grant, basic_action, AADSTS50076, capolids claims);
// - reference-error-codes: 50173 FreshTokenNeeded, 70043 sign-in frequency, 65001 consent, 650057 invalid resource.
const identityError = (description: string, error = 'invalid_grant') => {
  const err = new Error(`${error}: ${description}\r\nTrace ID: 5058bf6a-b266-444a-bf5f-a68724b53600`);
  err.name = 'AuthenticationRequiredError';
  return err;
};
const documentedClaims =
  '{"access_token":{"polids":{"essential":true,"values":["9ab03e19-ed42-4168-b6b7-7001fb3e933a"]}}}';

describe('classifyOboRefusal', () => {
  it('reads the documented Conditional Access answer with its claims', () => {
    const err = identityError(
      "AADSTS50079: Due to a configuration change made by your administrator, or because you moved to a new location, you must enroll in multifactor authentication to access 'bf8d80f9-9098-4972-b203-500f535113b1'.",
      'interaction_required',
    );
    expect(
      classifyOboRefusal(err, { error: 'interaction_required', claims: documentedClaims, codes: [50079] }, false),
    ).toEqual({ kind: 'conditionalAccess', code: 50079, claims: documentedClaims });
  });

  it('still asks for the step-up when only the message was seen (claims unknown: CP1 only)', () => {
    const err = identityError(
      "AADSTS50076: Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '00000003-0000-0000-c000-000000000000'.",
    );
    expect(classifyOboRefusal(err, undefined, false)).toEqual({ kind: 'conditionalAccess', code: 50076, claims: '' });
  });

  it('leaves MFA asked for by a claims request to that step-up (PIM MfaRule, CAE)', () => {
    const err = identityError('AADSTS50076: … you must use multi-factor authentication to access …');
    expect(classifyOboRefusal(err, undefined, true)).toBeUndefined();
  });

  it('reads ended grants and missing consent, with or without claims asked', () => {
    expect(
      classifyOboRefusal(
        identityError('AADSTS50173: The provided grant has expired due to it being revoked'),
        undefined,
        true,
      ),
    ).toEqual({ kind: 'ended', code: 50173 });
    expect(
      classifyOboRefusal(
        identityError(
          'AADSTS70043: The refresh token has expired or is invalid due to sign-in frequency checks by Conditional Access.',
        ),
        undefined,
        false,
      ),
    ).toEqual({ kind: 'ended', code: 70043 });
    expect(
      classifyOboRefusal(
        identityError("AADSTS65001: The user or administrator has not consented to use the application with ID '…'."),
        { error: 'invalid_grant', suberror: 'consent_required', codes: [65001] },
        false,
      ),
    ).toEqual({ kind: 'consentMissing', code: 65001 });
    expect(
      classifyOboRefusal(
        identityError(
          "AADSTS650057: Invalid resource. The client has requested access to a resource which isn't listed in the requested permissions in the client's application registration.",
        ),
        undefined,
        false,
      ),
    ).toEqual({ kind: 'consentMissing', code: 650057 });
  });

  it('is nothing for other failures (an expired assertion, the network)', () => {
    expect(
      classifyOboRefusal(
        identityError('AADSTS500133: Assertion is not within its valid time range.'),
        undefined,
        false,
      ),
    ).toBeUndefined();
    expect(classifyOboRefusal(new Error('connect ECONNREFUSED 127.0.0.1:443'), undefined, false)).toBeUndefined();
  });
});

describe('classifyOboRefusal: who can act on a refusal', () => {
  const claims = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';
  const err = new Error('AuthenticationRequiredError');

  it.each(['basic_action', 'additional_action', 'message_only'])(
    'suberror %s with claims: a sign-in page must satisfy them (code: the first AADSTS)',
    (suberror) => {
      expect(classifyOboRefusal(err, { error: 'invalid_grant', suberror, claims, codes: [53003] }, false)).toEqual({
        kind: 'conditionalAccess',
        code: 53003,
        claims,
      });
    },
  );

  it('interaction_required with claims: the same', () => {
    expect(classifyOboRefusal(err, { error: 'interaction_required', claims, codes: [] }, false)).toEqual({
      kind: 'conditionalAccess',
      code: undefined,
      claims,
    });
  });

  it('claims alone, without anything asking for the user, are no Conditional Access refusal', () => {
    expect(
      classifyOboRefusal(err, { error: 'invalid_grant', suberror: 'consent_required', claims, codes: [1] }, false),
    ).toBeUndefined();
    expect(classifyOboRefusal(err, { error: 'invalid_grant', claims, codes: [] }, false)).toBeUndefined();
  });

  it('interaction required without claims or an MFA code: nothing the step-up could ask for', () => {
    expect(classifyOboRefusal(err, { error: 'interaction_required', codes: [50058] }, false)).toBeUndefined();
  });

  it('MFA needed, with claims too: the MFA code is named, not the first one', () => {
    expect(classifyOboRefusal(err, { error: 'invalid_grant', claims, codes: [70011, 50079] }, false)).toEqual({
      kind: 'conditionalAccess',
      code: 50079,
      claims,
    });
  });
});
