import { describe, expect, it } from 'vitest';
import { activeRolesCard } from '../../cards';
import { normalActiveRoles } from '../cards/fixtures';
import { gluedTexts, usePseudoEnglish } from '../support/pseudo-locale';

/**
 * The proactive cards in the ⟦…⟧ pseudo-locale (test/support/pseudo-locale.ts): every text the card writes must
 * be one translation, data values aside. So far only the active-roles card is converted (issue 15).
 */
usePseudoEnglish();

const VIEWER = { locale: 'en-GB' };

/** The fixture's own words (names, end phrases, notes) are data, shown as given. */
const ACTIVE_DATA = normalActiveRoles.items.flatMap((i) => [i.name, i.untilText, i.note ?? '']).filter(Boolean);

describe('proactive cards in the pseudo-locale', () => {
  it('active-roles card: listed, empty and "more" states have no glued or hard-coded text', () => {
    const states = [
      activeRolesCard({ items: normalActiveRoles.items }, VIEWER),
      activeRolesCard({ items: [] }, VIEWER),
      activeRolesCard({ items: normalActiveRoles.items, maxItems: 1 }, VIEWER),
    ];
    for (const card of states) expect(gluedTexts(card, ACTIVE_DATA)).toEqual([]);
  });
});
