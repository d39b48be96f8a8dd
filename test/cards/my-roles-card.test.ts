import { describe, expect, it } from 'vitest';
import { CARD_BYTE_BUDGET, cardBytes, DEFAULT_NO_ELIGIBLE_TEXT, type EligibleItem, myRolesCard } from '../../cards';
import { assertValidCard, collectActions, findById, hasId } from './card-validation';
import { normalMyRoles } from './fixtures';

const texts = (container: Record<string, unknown>): string[] => {
  const columns = (container.items as Array<{ columns: Array<{ items: Array<{ text?: string }> }> }>)[0].columns;
  return columns[0].items.map((item) => item.text ?? '');
};

describe('myRolesCard', () => {
  it('shows each eligible role with its kind, badges and Activate button', () => {
    const card = myRolesCard(normalMyRoles);
    assertValidCard(card);
    expect(texts(findById(card, 'role-0'))).toEqual([
      'Exchange Administrator',
      'Directory role',
      'Up to 8 hours  ·  Approval  ·  Ticket  ·  MFA  ·  Auth context c1',
    ]);
    expect(texts(findById(card, 'role-1'))).toEqual([
      'Helpdesk Administrator',
      'Directory role  ·  Administrative unit: Paris',
      'Up to 4 hours  ·  MFA',
      'Active until 14:30 (UTC+1)',
    ]);
    expect(texts(findById(card, 'role-2'))).toEqual([
      'Break-glass operators',
      'Group  ·  Owner',
      'Up to 1 hour  ·  Approval',
    ]);
  });

  it('Activate is an Action.Submit {pimbot:"activate", key} per item', () => {
    const actions = collectActions(myRolesCard(normalMyRoles)).map(({ action }) => action);
    expect(actions.map((a) => [a.type, a.title, a.data])).toEqual([
      ['Action.Submit', 'Activate', { pimbot: 'activate', target: 'elig-exchange' }],
      ['Action.Submit', 'Activate', { pimbot: 'activate', target: 'elig-helpdesk' }],
      ['Action.Submit', 'Activate', { pimbot: 'activate', target: 'elig-group-owner' }],
    ]);
    expect(actions[0].tooltip).toBe('Activate Exchange Administrator');
  });

  it('an empty list says so, kindly, and has no buttons', () => {
    const card = myRolesCard({ items: [] });
    assertValidCard(card);
    expect(findById(card, 'roles-empty').text).toBe(DEFAULT_NO_ELIGIBLE_TEXT);
    expect(collectActions(card)).toEqual([]);
    expect(card.actions).toBeUndefined();
    expect(findById(myRolesCard({ items: [], emptyText: 'Nothing here.' }), 'roles-empty').text).toBe('Nothing here.');
  });

  it('lists at most maxItems (default 20) and says how many more exist', () => {
    const many = Array.from({ length: 120 }, (_, i) => ({
      ...normalMyRoles.items[0],
      key: `k${i}`,
      name: `Role ${i}`,
    }));
    const card = myRolesCard({ items: many });
    assertValidCard(card);
    expect(hasId(card, 'role-19')).toBe(true);
    expect(hasId(card, 'role-20')).toBe(false);
    expect(findById(card, 'roles-more').text).toBe(
      '…and 100 more. Type activate followed by the name to activate one that is not listed.',
    );
    expect(hasId(myRolesCard({ ...normalMyRoles, maxItems: 2 }), 'role-2')).toBe(false);
  });

  it('lists fewer items when the card would exceed Teams message size (worst-case lengths)', () => {
    const huge = (i: number): EligibleItem => ({
      ...normalMyRoles.items[0],
      key: `elig-${i}-${'k'.repeat(1000)}`,
      name: `Role ${i} ${'n'.repeat(10_000)}`,
      accessLabel: 'a'.repeat(10_000),
      authContext: 'c'.repeat(10_000),
      activeUntilText: 'u'.repeat(10_000),
      maxDurationText: 'm'.repeat(10_000),
    });
    const card = myRolesCard({ items: Array.from({ length: 120 }, (_, i) => huge(i)) });
    assertValidCard(card);
    expect(cardBytes(card)).toBeLessThanOrEqual(CARD_BYTE_BUDGET);
    const listed = collectActions(card).length;
    expect(listed).toBeGreaterThan(3);
    expect(listed).toBeLessThan(20);
    expect(findById(card, 'roles-more').text).toMatch(new RegExp(`^…and ${120 - listed} more\\.`));
    expect(texts(findById(card, 'role-0'))[0]).toHaveLength(256);
  });

  it('rejects an item without a usable key (a bug in the caller, not something to render)', () => {
    expect(() => myRolesCard({ items: [{ ...normalMyRoles.items[0], key: '' }] })).toThrow(/items\[\]\.key/);
  });

  it('speaks German to a de-DE viewer: title, kinds, badges, Activate, and how many more', () => {
    const card = myRolesCard({ ...normalMyRoles, maxItems: 2 }, { locale: 'de-DE' });
    assertValidCard(card);
    expect(findById(card, 'roles-title').text).toBe('Rollen, die Sie aktivieren können');
    expect(texts(findById(card, 'role-0'))).toEqual([
      'Exchange Administrator',
      'Verzeichnisrolle',
      'Bis zu 8 hours  ·  Genehmigung  ·  Ticket  ·  MFA  ·  Authentifizierungskontext c1',
    ]);
    expect(texts(findById(card, 'role-1'))).toEqual([
      'Helpdesk Administrator',
      'Verzeichnisrolle  ·  Administrative unit: Paris',
      'Bis zu 4 hours  ·  MFA',
      'Aktiv bis 14:30 (UTC+1)',
    ]);
    const actions = collectActions(card).map(({ action }) => action);
    expect(actions.map((a) => a.title)).toEqual(['Aktivieren', 'Aktivieren']);
    expect(actions[0].tooltip).toBe('Exchange Administrator aktivieren');
    expect(findById(card, 'roles-more').text).toBe(
      '…und 1 weitere. Geben Sie „activate“ und den Namen ein, um eine nicht aufgeführte Rolle zu aktivieren.',
    );
    const empty = myRolesCard({ items: [] }, { locale: 'de-DE' });
    expect(findById(empty, 'roles-empty').text).toBe(
      'Sie haben in Privileged Identity Management keine berechtigten Rollen oder Gruppen. Bitten Sie Ihren Administrator, Sie berechtigt zu machen.',
    );
  });

  it('a group in German: its kind with the access, and the roles it grants', () => {
    const card = myRolesCard(
      { items: [{ ...normalMyRoles.items[2], grantsRoles: ['Helpdesk Administrator', 'User Administrator'] }] },
      { locale: 'de-DE' },
    );
    expect(texts(findById(card, 'role-0'))).toEqual([
      'Break-glass operators',
      'Gruppe  ·  Owner',
      'Bis zu 1 hour  ·  Genehmigung',
      'Gewährt: Helpdesk Administrator, User Administrator',
    ]);
  });
});
