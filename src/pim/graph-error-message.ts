import type { PolicyRuleName } from './pim-error-class';

/**
 * PIM reports failed policy rules and claims challenges inside error.message rather than in fields of their own,
 * so they are read out of the text here.
 */

const RULES_PATTERN = /policy rules failed:\s*(\[.*\])/i;
const CLAIMS_PATTERN = /claims=(.+)$/s;

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
 * PIM puts the claims challenge inside error.message: raw JSON on Graph, URL-encoded on ARM
 * (PIM-API.md §3). Returns the JSON text, or null.
 */
export function parseClaimsChallenge(message: string | null): string | null {
  const m = message ? CLAIMS_PATTERN.exec(message.trim()) : null;
  if (!m?.[1]) return null;
  let text = m[1].trim();
  for (let i = 0; i < 2 && !text.startsWith('{'); i++) {
    try {
      text = decodeURIComponent(text);
    } catch {
      return null;
    }
  }
  try {
    JSON.parse(text);
    return text;
  } catch {
    return null;
  }
}
