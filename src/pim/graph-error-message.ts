import type { PolicyRuleName } from './pim-error-class';

/**
 * PIM reports failed policy rules and claims challenges inside error.message rather than in fields of their own,
 * so they are read out of the text here.
 */

const RULES_PATTERN = /policy rules failed:\s*(\[.*\])/i;

export function parseFailedRules(message: string | null): PolicyRuleName[] {
  const m = message ? RULES_PATTERN.exec(message) : null;
  if (!m?.[1]) return [];
  try {
    const rules: unknown = JSON.parse(m[1]);
    return Array.isArray(rules) ? rules.filter((r): r is string => typeof r === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * PIM puts the claims challenge inside error.message, in every form seen so far (PIM-API.md §3 and
 * simulators/graph/FIDELITY.md): raw JSON (`claims={...}`), URL-encoded (`&claims=%7B...%7D`, ARM and
 * Azure/azure-powershell#25421), and either of those inside an `UnknownError` whose message is the PIM
 * service's own JSON error (`{"errorCode":"RoleAssignmentRequestAcrsValidationFailed","message":"...&claims=..."}`).
 * Returns the claims JSON text, or null when no form parses.
 */
export function parseClaimsChallenge(message: string | null): string | null {
  if (!message) return null;
  for (const layer of messageLayers(message)) {
    const claims = claimsIn(layer);
    if (claims) return claims;
  }
  return null;
}

/** The message itself, then the message of the service error it wraps (a JSON object), nested at most twice. */
function messageLayers(message: string): string[] {
  const layers = [message];
  let current = message.trim();
  for (let depth = 0; depth < 2 && current.startsWith('{'); depth++) {
    let inner: unknown;
    try {
      inner = JSON.parse(current);
    } catch {
      break;
    }
    const text = typeof inner === 'object' && inner !== null ? (inner as { message?: unknown }).message : undefined;
    if (typeof text !== 'string') break;
    layers.push(text);
    current = text.trim();
  }
  return layers;
}

function claimsIn(text: string): string | null {
  for (const m of text.matchAll(/claims=/gi)) {
    let value = text.slice((m.index ?? 0) + m[0].length).trimStart();
    // URL-encoded: up to the next separator, decoded (twice at most: seen double-encoded through ARM).
    for (let i = 0; i < 2 && /^%7B/i.test(value); i++) {
      const encoded = /^[^\s"&]+/.exec(value)?.[0] ?? '';
      try {
        value = decodeURIComponent(encoded);
      } catch {
        break;
      }
    }
    const json = leadingJsonObject(value);
    if (json) return json;
  }
  return null;
}

/** The JSON object at the start of `text` (braces balanced, strings respected), if it parses. */
function leadingJsonObject(text: string): string | null {
  if (!text.startsWith('{')) return null;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) {
      const candidate = text.slice(0, i + 1);
      try {
        const parsed: unknown = JSON.parse(candidate);
        return typeof parsed === 'object' && parsed !== null ? candidate : null;
      } catch {
        return null;
      }
    }
  }
  return null;
}

/** The claims a sign-in must satisfy for an authentication context, when PIM's message carries none. */
export function authContextClaims(claimValue: string): string {
  return JSON.stringify({ access_token: { acrs: { essential: true, value: claimValue } } });
}
