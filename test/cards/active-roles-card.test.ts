import { describe, expect, it } from 'vitest';
import { activeRolesCard, DEFAULT_NOTHING_ACTIVE_TEXT } from '../../cards';
import { assertValidCard, collectActions, findById, hasId } from './card-validation';
import { normalActiveRoles } from './fixtures';

describe('activeRolesCard', () => {
  it('a de-DE viewer gets the German title, button and empty text (Microsoft: "Deaktivieren")', () => {
    const card = activeRolesCard(normalActiveRoles, { locale: 'de-DE' });
    assertValidCard(card);
    expect(findById(card, 'active-title').text).toBe('Jetzt aktiv');
    expect(JSON.stringify(card)).toContain('"title":"Jetzt deaktivieren"');
    const empty = activeRolesCard({ items: [] }, { locale: 'de-DE' });
    expect(findById(empty, 'active-empty').text).toBe('Für Sie ist gerade nichts aktiv.');
  });

  it('lists what is active, until when, with notes', () => {
    const card = activeRolesCard(normalActiveRoles);
    assertValidCard(card);
    expect(findById(card, 'active-title').text).toBe('Active now');
    const first = JSON.stringify(findById(card, 'active-0'));
    expect(first).toContain('Exchange Administrator');
    expect(first).toContain('Until 16:30 (UTC+1)');
    const second = JSON.stringify(findById(card, 'active-1'));
    expect(second).toContain('Global Reader');
    expect(second).toContain('Assigned by an administrator: it cannot be deactivated here.');
  });

  it('"Deactivate now" is an Action.Execute {pimbot:"deactivate", key}, only where canDeactivate', () => {
    const card = activeRolesCard(normalActiveRoles);
    expect(collectActions(card).map(({ action }) => action)).toEqual([
      expect.objectContaining({
        type: 'Action.Execute',
        id: 'active-0-deactivate',
        title: 'Deactivate now',
        tooltip: 'Deactivate Exchange Administrator',
        verb: 'deactivate',
        data: { pimbot: 'deactivate', target: 'assignment-1' },
      }),
    ]);
    expect(hasId(card, 'active-1-deactivate')).toBe(false);
  });

  it('an empty list says nothing is active', () => {
    const card = activeRolesCard({ items: [] });
    assertValidCard(card);
    expect(findById(card, 'active-empty').text).toBe(DEFAULT_NOTHING_ACTIVE_TEXT);
    expect(card).not.toHaveProperty('actions');
  });

  it('lists at most maxItems and says how many more', () => {
    const items = Array.from({ length: 25 }, (_, i) => ({ ...normalActiveRoles.items[0], key: `a${i}` }));
    const card = activeRolesCard({ items });
    assertValidCard(card);
    expect(collectActions(card)).toHaveLength(20);
    expect(findById(card, 'active-more').text).toBe('…and 5 more.');
  });
});
