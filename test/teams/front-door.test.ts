import type { Activity } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { frontDoorRefusal } from '../../src/teams/front-door';

/** The front door's rules one by one (the abuse suite, test/abuse/front-door.test.ts, runs them over HTTP). */

const ALLOWED = ['72f988bf-0000-4000-8000-000000000001', 'c0ffee00-0000-4000-8000-0000000000aa'];
const OTHER = '0bad0000-0000-4000-8000-000000000bad';
const teams = (channelTenant?: string, conversationTenant?: string): Partial<Activity> => ({
  channelId: 'msteams',
  channelData: channelTenant === undefined ? {} : { tenant: { id: channelTenant } },
  conversation: {
    id: 'a:1',
    isGroup: false,
    conversationType: 'personal',
    name: '',
    ...(conversationTenant === undefined ? {} : { tenantId: conversationTenant }),
  },
});

describe('frontDoorRefusal', () => {
  it('lets Teams activities of any allowed tenant in, whichever of the two places names it, in any case', () => {
    expect(frontDoorRefusal(teams(ALLOWED[0], ALLOWED[0]), ALLOWED)).toBeUndefined();
    expect(frontDoorRefusal(teams(ALLOWED[1]), ALLOWED)).toBeUndefined();
    expect(frontDoorRefusal(teams(undefined, ALLOWED[1]), ALLOWED)).toBeUndefined();
    expect(frontDoorRefusal(teams(ALLOWED[0]!.toUpperCase(), ALLOWED[0]), ALLOWED)).toBeUndefined();
  });

  it.each(['webchat', 'directline', 'emulator', 'MSTEAMS', 'msteams ', '', undefined])(
    'refuses channelId %j',
    (channelId) => {
      expect(frontDoorRefusal({ ...teams(ALLOWED[0], ALLOWED[0]), channelId }, ALLOWED)).toBe('otherChannel');
    },
  );

  it('refuses a missing, blank, foreign or contradictory tenant', () => {
    expect(frontDoorRefusal(teams(), ALLOWED)).toBe('noTenant');
    expect(frontDoorRefusal(teams('  ', ''), ALLOWED)).toBe('noTenant');
    expect(frontDoorRefusal({ ...teams(), channelData: { tenant: { id: 42 } } }, ALLOWED)).toBe('noTenant');
    expect(frontDoorRefusal(teams(OTHER, OTHER), ALLOWED)).toBe('otherTenant');
    expect(frontDoorRefusal(teams(undefined, OTHER), ALLOWED)).toBe('otherTenant');
    expect(frontDoorRefusal(teams(ALLOWED[0], OTHER), ALLOWED)).toBe('tenantMismatch');
    expect(frontDoorRefusal(teams(OTHER, ALLOWED[0]), ALLOWED)).toBe('tenantMismatch');
  });
});
