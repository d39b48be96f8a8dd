import { AadErrors } from './aad-errors';

/**
 * The OIDC `claims` request parameter as MSAL sends it for a step-up, e.g.
 * `{"access_token":{"acrs":{"essential":true,"value":"c1"},"xms_cc":{"values":["CP1"]}},"id_token":{…}}`.
 * Only the access_token part matters to the tokens issued here.
 */
export interface AccessTokenClaimsRequest {
  /** Authentication context class references asked for (`acrs` value/values). */
  acrs: string[];
  /** Authentication methods asked for (`amr` value/values, e.g. ['mfa']). */
  amr: string[];
  /** Client capabilities declared (`xms_cc` values, e.g. ['CP1']). */
  clientCapabilities: string[];
  /** The access_token part as JSON, for echoing back in an interaction_required answer. */
  json: string;
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON, or JSON URL-encoded once or twice more (MSAL and hand-built URLs differ). */
function decodeClaimsJson(raw: string): unknown {
  let text = raw.trim();
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return JSON.parse(text);
    } catch {
      if (!text.includes('%')) break;
      try {
        text = decodeURIComponent(text);
      } catch {
        break;
      }
    }
  }
  throw AadErrors.invalidParameter('claims');
}

function requestedValues(entry: unknown): string[] {
  if (!isObject(entry)) return [];
  const values: string[] = [];
  if (typeof entry.value === 'string') values.push(entry.value);
  if (Array.isArray(entry.values)) values.push(...entry.values.filter((v): v is string => typeof v === 'string'));
  return values;
}

/** Parses the `claims` parameter; undefined when absent or when it asks nothing of the access token. */
export function parseClaimsParameter(raw: string | undefined): AccessTokenClaimsRequest | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const parsed = decodeClaimsJson(raw);
  if (!isObject(parsed)) throw AadErrors.invalidParameter('claims');
  const accessToken = parsed.access_token;
  if (!isObject(accessToken)) return undefined;
  return {
    acrs: requestedValues(accessToken.acrs),
    amr: requestedValues(accessToken.amr),
    clientCapabilities: requestedValues(accessToken.xms_cc).map((c) => c.toUpperCase()),
    json: JSON.stringify({ access_token: accessToken }),
  };
}

/** How the user signed in: what the token being exchanged (or the sign-in) proves. */
export interface SignInFacts {
  amr: string[];
  acrs: string[];
}

export type StepUpOutcome = { satisfied: true; acrs: string[] } | { satisfied: false };

/**
 * Whether the sign-in meets the requested authentication context / methods. The local tenant's
 * Conditional Access maps every authentication context to "require MFA": a sign-in with `mfa` in
 * its amr satisfies any requested acrs value; an acrs already in the sign-in is satisfied too.
 */
export function evaluateStepUp(request: AccessTokenClaimsRequest | undefined, signIn: SignInFacts): StepUpOutcome {
  const acrs = [...signIn.acrs];
  if (!request) return { satisfied: true, acrs };
  const hasMfa = signIn.amr.includes('mfa');
  // `values` lists alternatives (OIDC Core 5.5.1): one of them is enough.
  if (request.amr.length > 0 && !request.amr.some((method) => signIn.amr.includes(method))) {
    return { satisfied: false };
  }
  if (request.acrs.length > 0 && !request.acrs.some((value) => acrs.includes(value))) {
    if (!hasMfa) return { satisfied: false };
    acrs.push(...request.acrs);
  }
  return { satisfied: true, acrs };
}
