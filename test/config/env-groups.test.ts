import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config';
import { fakeSecret } from '../support/fake-secrets';

/**
 * The settings of approvals (src/config/approval-env.ts), the channel feed (feed-env.ts) and tickets
 * (ticket-env.ts), as docs/deploy-to-your-tenant.md describes them: good values are read, and every bad one
 * is refused with a problem that names its variable, all problems of one start together.
 */

const TENANT_ID = '72f988bf-0000-4000-8000-000000000001';
const GROUP_ID = '3c2b1a09-0000-4000-8000-000000000004';
const PLAYGROUND = {
  PIMBOT_MODE: 'playground',
  AAD_APP_TENANT_ID: TENANT_ID,
  AAD_APP_CLIENT_ID: '0b7e4a2c-0000-4000-8000-000000000002',
  AAD_APP_CLIENT_SECRET: fakeSecret('entra-app'),
};

function problems(env: Record<string, string>): readonly string[] {
  try {
    parseConfig({ ...PLAYGROUND, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

describe('approval settings', () => {
  it('reads the channels, break-glass ids and timers', () => {
    const config = parseConfig({
      ...PLAYGROUND,
      APPROVALS_CHANNELS: '{"*":"19:abc@thread.tacv2"}',
      FALLBACK_APPROVALS_CHANNEL_ID: '19:fallback@thread.tacv2',
      BREAK_GLASS_IDS: ` ${GROUP_ID}, ,${TENANT_ID}`,
      APPROVAL_REMINDER_MINUTES: '30',
      APPROVAL_ESCALATION_MINUTES: '600',
    });
    expect(config.approvals).toMatchObject({
      channels: { '*': '19:abc@thread.tacv2' },
      fallbackChannelId: '19:fallback@thread.tacv2',
      breakGlassIds: [GROUP_ID, TENANT_ID],
      reminderAfterMinutes: 30,
      escalateAfterMinutes: 600,
    });
  });

  it('refuses bad values, each problem naming its variable', () => {
    const found = problems({
      APPROVALS_CHANNELS: '["19:abc@thread.tacv2"]',
      BREAK_GLASS_IDS: `${GROUP_ID},admin@contoso.com`,
      APPROVAL_REMINDER_MINUTES: 'hourly',
      APPROVAL_ESCALATION_MINUTES: '1440',
    });
    for (const variable of [
      'APPROVALS_CHANNELS',
      'BREAK_GLASS_IDS',
      'APPROVAL_REMINDER_MINUTES',
      'APPROVAL_ESCALATION_MINUTES',
    ]) {
      expect(
        found.filter((p) => p.startsWith(variable)),
        found.join('\n'),
      ).toHaveLength(1);
    }
    expect(found.join('\n')).toMatch(/APPROVALS_CHANNELS must be JSON mapping role names/);
  });
});

describe('channel feed settings', () => {
  it('reads the admin group, watched groups and the watcher interval', () => {
    const config = parseConfig({
      ...PLAYGROUND,
      FEED_ADMIN_GROUP_ID: GROUP_ID,
      SECURITY_CHANNEL_ID: '19:security@thread.tacv2',
      WATCHED_GROUP_IDS: GROUP_ID,
      WATCHER_INTERVAL_SECONDS: '0',
    });
    expect(config.feed).toEqual({
      adminGroupId: GROUP_ID,
      securityChannelId: '19:security@thread.tacv2',
      watchedGroupIds: [GROUP_ID],
      watcherIntervalSeconds: 0,
    });
  });

  it('refuses bad values, each problem naming its variable', () => {
    const found = problems({
      FEED_ADMIN_GROUP_ID: 'PIM Approvers',
      WATCHED_GROUP_IDS: 'helpdesk',
      WATCHER_INTERVAL_SECONDS: 'every minute',
    });
    for (const variable of ['FEED_ADMIN_GROUP_ID', 'WATCHED_GROUP_IDS', 'WATCHER_INTERVAL_SECONDS']) {
      expect(
        found.filter((p) => p.startsWith(variable)),
        found.join('\n'),
      ).toHaveLength(1);
    }
  });
});

describe('ticket settings', () => {
  it('reads the system name and pattern; by default INC-42 and INC0012345 are ticket numbers', () => {
    const custom = parseConfig({ ...PLAYGROUND, TICKET_SYSTEM: 'ServiceNow', TICKET_PATTERN: '^CHG\\d{7}$' });
    expect(custom.ticketSystem).toBe('ServiceNow');
    expect(custom.ticketPattern.test('CHG0001042')).toBe(true);
    const standard = parseConfig(PLAYGROUND).ticketPattern;
    expect(['INC-42', 'INC0012345', 'fix it'].map((t) => standard.test(t))).toEqual([true, true, false]);
  });

  it('refuses a pattern that is no regular expression, naming TICKET_PATTERN', () => {
    expect(problems({ TICKET_PATTERN: '^(INC' })).toEqual([
      'TICKET_PATTERN is not a valid regular expression. Example: ^(INC|CHG)\\d{7}$',
    ]);
  });
});
