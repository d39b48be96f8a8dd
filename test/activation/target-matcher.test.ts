import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type MatchHow, matchTarget, SHORT_NAMES } from '../../src/activation/target-matcher';
import type { PimTarget } from '../../src/pim/pim-types';

/**
 * Which role or group someone means by what they typed. The candidates are the user's eligibilities; a match is
 * exact (one target), ambiguous (the bot asks which) or none (the bot suggests the closest names).
 */

const role = (displayName: string): PimTarget => ({
  kind: 'role',
  roleDefinitionId: `role-${displayName.toLowerCase().replace(/\W+/g, '-')}`,
  directoryScopeId: '/',
  displayName,
});
const group = (displayName: string, accessId: 'member' | 'owner' = 'member'): PimTarget => ({
  kind: 'group',
  groupId: `group-${displayName.toLowerCase().replace(/\W+/g, '-')}`,
  accessId,
  displayName,
});

const roles = [
  'Global Administrator',
  'Privileged Role Administrator',
  'Privileged Authentication Administrator',
  'Security Administrator',
  'Exchange Administrator',
  'User Administrator',
  'Helpdesk Administrator',
  'SharePoint Administrator',
  'Global Reader',
  'Security Reader',
  'Reports Reader',
  'Teams Administrator',
  'Authentication Administrator',
  'Application Administrator',
  'Cloud Application Administrator',
  'Groups Administrator',
  'Billing Administrator',
].map(role);
const helpdeskAdmins = group('RAG - Helpdesk Admins');
const securityOperators = group('RAG - Security Operators');
const securityOperatorsOwner = group('RAG - Security Operators', 'owner');
const candidates: PimTarget[] = [...roles, helpdeskAdmins, securityOperators, securityOperatorsOwner];

const named = (name: string) => candidates.find((c) => c.displayName === name)!;
const names = (targets: PimTarget[]) => targets.map((t) => t.displayName);

describe('matchTarget: one target', () => {
  it.each<[string, string, MatchHow]>([
    // the whole name, ignoring case and punctuation
    ['Exchange Administrator', 'Exchange Administrator', 'name'],
    ['exchange administrator', 'Exchange Administrator', 'name'],
    ['  GLOBAL READER ', 'Global Reader', 'name'],
    ['share point administrator', 'SharePoint Administrator', 'name'],
    // "admin" means "administrator"; known short names and abbreviations
    ['exchange admin', 'Exchange Administrator', 'alias'],
    ['sharepoint admin', 'SharePoint Administrator', 'alias'],
    ['spo admin', 'SharePoint Administrator', 'alias'],
    ['sp admin', 'SharePoint Administrator', 'alias'],
    ['user admin', 'User Administrator', 'alias'],
    ['helpdesk admin', 'Helpdesk Administrator', 'alias'],
    ['help desk admin', 'Helpdesk Administrator', 'alias'],
    ['security admin', 'Security Administrator', 'alias'],
    ['teams admin', 'Teams Administrator', 'alias'],
    ['auth admin', 'Authentication Administrator', 'alias'],
    ['app admin', 'Application Administrator', 'alias'],
    ['cloud app admin', 'Cloud Application Administrator', 'alias'],
    ['exo admin', 'Exchange Administrator', 'alias'],
    ['GA', 'Global Administrator', 'alias'],
    ['ga', 'Global Administrator', 'alias'],
    ['tenant admin', 'Global Administrator', 'alias'],
    ['PRA', 'Privileged Role Administrator', 'alias'],
    ['pim admin', 'Privileged Role Administrator', 'alias'],
    ['PAA', 'Privileged Authentication Administrator', 'alias'],
    // whole words inside the name; plural "admins" prefers the group named "Admins"
    ['exchange', 'Exchange Administrator', 'words'],
    ['sharepoint', 'SharePoint Administrator', 'words'],
    ['billing', 'Billing Administrator', 'words'],
    ['helpdesk admins', 'RAG - Helpdesk Admins', 'words'],
    ['rag helpdesk', 'RAG - Helpdesk Admins', 'words'],
    ['team admin', 'Teams Administrator', 'words'],
    // initials, 3 letters or more (CamelCase counts)
    ['spa', 'SharePoint Administrator', 'acronym'],
    ['rha', 'RAG - Helpdesk Admins', 'acronym'],
    ['caa', 'Cloud Application Administrator', 'acronym'],
    // prefixes of the name or of its words
    ['exch', 'Exchange Administrator', 'prefix'],
    ['ex', 'Exchange Administrator', 'prefix'],
    ['sec admin', 'Security Administrator', 'prefix'],
    ['glob admin', 'Global Administrator', 'prefix'],
    ['priv auth', 'Privileged Authentication Administrator', 'prefix'],
    ['priv role', 'Privileged Role Administrator', 'prefix'],
    ['exchangeadmin', 'Exchange Administrator', 'prefix'],
    ['helpdesk adm', 'Helpdesk Administrator', 'alias'],
    // 2-letter initials rank with prefixes
    ['ua', 'User Administrator', 'prefix'],
    ['ea', 'Exchange Administrator', 'prefix'],
    // a piece of a word
    ['point', 'SharePoint Administrator', 'substring'],
    // filler words
    ['the exchange admin role', 'Exchange Administrator', 'alias'],
    ['my global reader role', 'Global Reader', 'name'],
  ])('%j → %s (%s)', (query, name, how) => {
    expect(matchTarget(query, candidates)).toEqual({ kind: 'exact', target: named(name), how });
  });

  it('"owner" or "member" at the end picks that access to a group', () => {
    expect(matchTarget('security operators owner', candidates)).toEqual({
      kind: 'exact',
      target: securityOperatorsOwner,
      how: 'words',
    });
    expect(matchTarget('security operators membership', candidates)).toEqual({
      kind: 'exact',
      target: securityOperators,
      how: 'words',
    });
  });

  it('a group whose name contains "owner" is still found by its name', () => {
    const siteOwners = group('SharePoint Site Owners');
    expect(matchTarget('site owners', [...candidates, siteOwners])).toEqual({
      kind: 'exact',
      target: siteOwners,
      how: 'words',
    });
  });

  it('short names only apply to roles the user is eligible for', () => {
    expect(matchTarget('GA', [named('Global Reader'), named('Exchange Administrator')]).kind).toBe('none');
    expect(SHORT_NAMES.ga).toBe('Global Administrator');
  });

  it('the same target listed twice is one target', () => {
    const exchange = named('Exchange Administrator');
    expect(matchTarget('exch', [exchange, { ...exchange }])).toEqual({
      kind: 'exact',
      target: exchange,
      how: 'prefix',
    });
  });
});

describe('matchTarget: several targets match equally well', () => {
  it.each<[string, string[], MatchHow]>([
    ['global', ['Global Administrator', 'Global Reader'], 'words'],
    ['reader', ['Global Reader', 'Reports Reader', 'Security Reader'], 'words'],
    // a role and a group, equally well: never guessed between
    ['helpdesk', ['Helpdesk Administrator', 'RAG - Helpdesk Admins'], 'words'],
    ['desk', ['Helpdesk Administrator', 'RAG - Helpdesk Admins'], 'substring'],
    [
      'security',
      ['RAG - Security Operators', 'RAG - Security Operators', 'Security Administrator', 'Security Reader'],
      'words',
    ],
    ['security operators', ['RAG - Security Operators', 'RAG - Security Operators'], 'words'],
    ['priv', ['Privileged Authentication Administrator', 'Privileged Role Administrator'], 'prefix'],
    ['gr', ['Global Reader', 'Groups Administrator'], 'prefix'],
    ['authentication admin', ['Authentication Administrator'], 'alias'],
  ])('%j → %j', (query, expected, how) => {
    const result = matchTarget(query, candidates);
    if (expected.length === 1) {
      expect(result).toMatchObject({ kind: 'exact', how });
      return;
    }
    expect(result.kind).toBe('ambiguous');
    if (result.kind !== 'ambiguous') return;
    expect(names(result.options)).toEqual(expected);
    expect(result.how).toBe(how);
  });

  it('lists options by name, roles before groups, members before owners', () => {
    const sameName = [
      group('Exchange Administrator', 'owner'),
      group('Exchange Administrator'),
      role('Exchange Administrator'),
    ];
    const result = matchTarget('exchange administrator', sameName);
    expect(result).toEqual({
      kind: 'ambiguous',
      options: [sameName[2], sameName[1], sameName[0]],
      how: 'name',
    });
  });

  it('"admin" alone is every administrator role', () => {
    const result = matchTarget('admin', candidates);
    expect(result.kind).toBe('ambiguous');
    if (result.kind === 'ambiguous') expect(result.options).toHaveLength(14);
  });
});

describe('matchTarget: nothing matches', () => {
  it.each<[string, string[]]>([
    ['exchnage', ['Exchange Administrator']],
    ['exchnage admin', ['Exchange Administrator']],
    ['secuirty admin', ['Security Administrator', 'RAG - Security Operators', 'RAG - Security Operators']],
    ['sec ops', ['RAG - Security Operators', 'RAG - Security Operators', 'Security Administrator']],
    ['intune admin', []],
    ['zzz', []],
    ['', []],
    ['   ', []],
    ['e', []],
    ['!!!', []],
  ])('%j → suggestions %j', (query, suggestions) => {
    const result = matchTarget(query, candidates);
    expect(result.kind).toBe('none');
    if (result.kind === 'none') expect(names(result.suggestions)).toEqual(suggestions);
  });

  it('no candidates, no match', () => {
    expect(matchTarget('exchange', [])).toEqual({ kind: 'none', suggestions: [] });
  });

  it('a single character only matches a whole name', () => {
    expect(matchTarget('x', [role('X')])).toEqual({ kind: 'exact', target: role('X'), how: 'name' });
    expect(matchTarget('x', [role('Xylophone Administrator')]).kind).toBe('none');
  });
});

describe('properties', () => {
  const queries = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.constantFrom('exch', 'GA', 'sec admin', 'helpdesk', 'helpdesk admins', 'global', 'exchnage', 'admin', 'point'),
  );

  it('never throws, and every answer is made of candidates', () => {
    fc.assert(
      fc.property(queries, (query) => {
        const result = matchTarget(query, candidates);
        const returned =
          result.kind === 'exact' ? [result.target] : result.kind === 'ambiguous' ? result.options : result.suggestions;
        for (const t of returned) expect(candidates).toContain(t);
        if (result.kind === 'ambiguous') expect(result.options.length).toBeGreaterThan(1);
        if (result.kind === 'none') expect(result.suggestions.length).toBeLessThanOrEqual(3);
      }),
      { numRuns: 500 },
    );
  });

  it('does not depend on the order of the candidates', () => {
    fc.assert(
      fc.property(queries, fc.shuffledSubarray(candidates, { minLength: candidates.length }), (query, shuffled) => {
        expect(matchTarget(query, shuffled)).toEqual(matchTarget(query, candidates));
      }),
      { numRuns: 300 },
    );
  });

  it('ignores letter case', () => {
    fc.assert(
      fc.property(fc.constantFrom(...candidates.map((c) => c.displayName), 'exch', 'ga', 'sec admin'), (query) => {
        expect(matchTarget(query.toUpperCase(), candidates)).toEqual(matchTarget(query.toLowerCase(), candidates));
      }),
    );
  });

  it('every candidate is found by its own display name', () => {
    fc.assert(
      fc.property(fc.constantFrom(...candidates), (target) => {
        const result = matchTarget(target.displayName, candidates);
        const found = result.kind === 'exact' ? [result.target] : result.kind === 'ambiguous' ? result.options : [];
        expect(found).toContain(target);
        expect(found.every((t) => t.displayName === target.displayName)).toBe(true);
      }),
    );
  });
});
