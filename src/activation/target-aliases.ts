/**
 * The abbreviations and short names people type for roles, kept apart from the matching so the vocabulary can
 * grow without touching the tiers.
 */

/**
 * Short names admins use, mapped to the built-in role they mean (by display name). Only used when such a role
 * is among the candidates.
 */
export const SHORT_NAMES: Readonly<Record<string, string>> = {
  ga: 'Global Administrator',
  gadmin: 'Global Administrator',
  'tenant admin': 'Global Administrator',
  'company admin': 'Global Administrator',
  'company administrator': 'Global Administrator',
  pra: 'Privileged Role Administrator',
  'pim admin': 'Privileged Role Administrator',
  paa: 'Privileged Authentication Administrator',
  'priv auth admin': 'Privileged Authentication Administrator',
  'sp admin': 'SharePoint Administrator',
  'sharepoint online admin': 'SharePoint Administrator',
  'exchange online admin': 'Exchange Administrator',
  'ca admin': 'Conditional Access Administrator',
  'teams service admin': 'Teams Administrator',
  'd365 admin': 'Dynamics 365 Administrator',
  'crm admin': 'Dynamics 365 Administrator',
  'pbi admin': 'Fabric Administrator',
  'power bi admin': 'Fabric Administrator',
  'o365 admin': 'Global Administrator',
};

/** Word-level abbreviations, applied to the query and the names alike. */
export const WORD_SYNONYMS: Readonly<Record<string, string>> = {
  admin: 'administrator',
  adm: 'administrator',
  admins: 'administrators',
  auth: 'authentication',
  app: 'application',
  apps: 'applications',
  spo: 'sharepoint',
  exo: 'exchange',
  ca: 'conditional access',
};

/** Two-word spellings folded into one word, on both sides. */
export const MERGES: ReadonlyArray<[RegExp, string]> = [
  [/\bhelp desk\b/g, 'helpdesk'],
  [/\bshare point\b/g, 'sharepoint'],
];
