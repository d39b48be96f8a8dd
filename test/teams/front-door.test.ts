import type { Activity } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger';
import { FrontDoorLog, frontDoorRefusal } from '../../src/teams/front-door';

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
    // A blank tenant in one place is no tenant there: the other place's counts.
    expect(frontDoorRefusal(teams('  ', ALLOWED[0]), ALLOWED)).toBeUndefined();
    expect(frontDoorRefusal(teams(` ${ALLOWED[0]} `, `${ALLOWED[0]}\t`), ALLOWED)).toBeUndefined();
    // Parts missing altogether (a forged activity) are refused, not a crash.
    expect(frontDoorRefusal({ channelId: 'msteams' }, ALLOWED)).toBe('noTenant');
    expect(frontDoorRefusal({ ...teams(), channelData: { tenant: { id: 42 } } }, ALLOWED)).toBe('noTenant');
    expect(frontDoorRefusal(teams(OTHER, OTHER), ALLOWED)).toBe('otherTenant');
    expect(frontDoorRefusal(teams(undefined, OTHER), ALLOWED)).toBe('otherTenant');
    expect(frontDoorRefusal(teams(ALLOWED[0], OTHER), ALLOWED)).toBe('tenantMismatch');
    expect(frontDoorRefusal(teams(OTHER, ALLOWED[0]), ALLOWED)).toBe('tenantMismatch');
  });
});

describe('FrontDoorLog', () => {
  function log() {
    const lines: { level: number; msg: string; [field: string]: unknown }[] = [];
    const logger = createLogger('debug', { write: (line: string) => void lines.push(JSON.parse(line)) });
    return { frontDoor: new FrontDoorLog(logger), lines };
  }
  const WARN = 40;
  const DEBUG = 20;
  const forged = (fields: Partial<Activity> = {}): Partial<Activity> => ({
    type: 'message',
    id: 'f:1',
    from: { id: '29:x', name: 'x', aadObjectId: ALLOWED[0] },
    ...teams(OTHER),
    channelId: 'webchat',
    ...fields,
  });

  it('logs a refusal with ids only: reason, activity type and id, channel, tenant, user', () => {
    const { frontDoor, lines } = log();
    frontDoor.refused('otherTenant', forged({ channelId: 'msteams' }));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: WARN,
      reason: 'otherTenant',
      activityType: 'message',
      activityId: 'f:1',
      channelId: 'msteams',
      tenantId: OTHER,
      aadObjectId: ALLOWED[0],
    });
  });

  it('the tenant from channelData, else from the conversation', () => {
    const { frontDoor, lines } = log();
    frontDoor.refused('otherTenant', { ...forged(), channelData: {}, conversation: { tenantId: ALLOWED[1] } as never });
    frontDoor.refused('noTenant', { type: 'message' });
    expect(lines[0]?.tenantId).toBe(ALLOWED[1]);
    expect(lines[1]).toMatchObject({ reason: 'noTenant', activityType: 'message' });
    expect(lines[1]?.tenantId).toBeUndefined();
    expect(lines[1]?.aadObjectId).toBeUndefined();
  });

  it('one warn line per kind of refusal (reason, channel, tenant); repeats at debug', () => {
    const { frontDoor, lines } = log();
    for (let i = 0; i < 3; i++) frontDoor.refused('otherChannel', forged());
    frontDoor.refused('otherChannel', forged({ channelId: 'directline' }));
    frontDoor.refused('otherTenant', forged());
    frontDoor.refused('otherChannel', forged({ ...teams(ALLOWED[1]), channelId: 'webchat' }));
    expect(lines.map((l) => l.level)).toEqual([WARN, DEBUG, DEBUG, WARN, WARN, WARN]);
    expect(lines[1]?.msg).toBe('activity refused at the front door');
    expect(lines[1]).toMatchObject({ reason: 'otherChannel', channelId: 'webchat' });
  });

  it('at most 256 kinds are warned about: a flood of made-up tenants is logged at debug after that', () => {
    const { frontDoor, lines } = log();
    const tenant = (i: number) => `0bad0000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    for (let i = 0; i < 300; i++) frontDoor.refused('otherTenant', forged({ ...teams(tenant(i)) }));
    expect(lines.filter((l) => l.level === WARN)).toHaveLength(256);
    expect(lines.slice(256).every((l) => l.level === DEBUG)).toBe(true);
  });

  it('echoes GUIDs and short tokens only; anything else as (unprintable), non-strings not at all', () => {
    const { frontDoor, lines } = log();
    const guid = 'ABCDEF01-2345-4678-9abc-DEF012345678';
    const long = 'a'.repeat(65);
    frontDoor.refused('otherChannel', {
      type: 'message\n{"level":60}',
      id: long,
      channelId: 'web chat <script>',
      channelData: { tenant: { id: guid } },
      from: { id: '1', name: 'n', aadObjectId: 42 as unknown as string },
    });
    frontDoor.refused('otherChannel', { type: 'a'.repeat(64), id: '1:abc@x.y-z', channelId: 'sms' });
    expect(lines[0]).toMatchObject({
      activityType: '(unprintable)',
      activityId: '(unprintable)',
      channelId: '(unprintable)',
      tenantId: guid,
    });
    expect(lines[0]?.aadObjectId).toBeUndefined();
    expect(lines[1]).toMatchObject({ activityType: 'a'.repeat(64), activityId: '1:abc@x.y-z', channelId: 'sms' });
  });

  it('a GUID is echoed whole, whatever its length would be as a token; a near-GUID with other characters is not', () => {
    const { frontDoor, lines } = log();
    const guid = '0bad0000-0000-4000-8000-000000000bad';
    frontDoor.refused('otherTenant', forged({ ...teams(guid), channelId: 'msteams' }));
    frontDoor.refused(
      'otherTenant',
      forged({ ...teams('0bad0000-0000-4000-8000-00000000 bad'), channelId: 'msteams' }),
    );
    expect(lines[0]?.tenantId).toBe(guid);
    expect(lines[1]?.tenantId).toBe('(unprintable)');
  });
});
