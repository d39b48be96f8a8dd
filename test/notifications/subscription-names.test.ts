import { describe, expect, it } from 'vitest';
import { BUILT_IN_ROLE_NAMES } from '../../src/commands/built-in-role-names';
import { resolveSubscriptionName, SubscriptionNames } from '../../src/notifications/subscription-names';

/**
 * Which role or group a name typed after "subscribe" means: the activation's matcher over the tenant's roles, the
 * watched groups and the built-in role names. Expected names are Entra's built-in role display names
 * (learn.microsoft.com/entra/identity/role-based-access-control/permissions-reference).
 */

const NAMES = [...BUILT_IN_ROLE_NAMES, 'Contoso Mailbox Auditor', 'RAG - Helpdesk Admins'];

describe('resolveSubscriptionName', () => {
  it.each([
    ['GA', 'Global Administrator'],
    ['exch admin', 'Exchange Administrator'],
    ['global administrator', 'Global Administrator'],
    ['mailbox auditor', 'Contoso Mailbox Auditor'],
    ['rag helpdesk admins', 'RAG - Helpdesk Admins'],
  ])('%j is %s', (typed, name) => {
    expect(resolveSubscriptionName(typed, NAMES)).toEqual({ kind: 'exact', name });
  });

  it('several equally good: all of them, for the admin to pick', () => {
    expect(resolveSubscriptionName('Exchange', NAMES)).toEqual({
      kind: 'ambiguous',
      options: ['Exchange Administrator', 'Exchange Recipient Administrator'],
    });
  });

  it('none: the closest names, or nothing for a name like no role', () => {
    const typo = resolveSubscriptionName('Secruity Administrator', NAMES);
    expect(typo.kind).toBe('none');
    expect(typo.kind === 'none' && typo.suggestions[0]).toBe('Security Administrator');
    expect(resolveSubscriptionName('Frobnicator', NAMES)).toEqual({ kind: 'none', suggestions: [] });
  });
});

describe('SubscriptionNames', () => {
  it('knows the built-in names, the tenant’s roles and the watched groups, each once whatever its case', async () => {
    const names = new SubscriptionNames({
      roleNames: async () => ['Global Administrator', 'Contoso Mailbox Auditor'],
      groupNames: async () => ['RAG - Helpdesk Admins', 'rag - helpdesk admins'],
    });
    const known = await names.known();
    expect(known).toEqual(expect.arrayContaining([...BUILT_IN_ROLE_NAMES, 'Contoso Mailbox Auditor']));
    expect(known.filter((n) => n.toLowerCase() === 'rag - helpdesk admins')).toEqual(['RAG - Helpdesk Admins']);
    expect(known.filter((n) => n === 'Global Administrator')).toHaveLength(1);
  });

  it('reads Graph again only after five minutes, and fails (no guess) when the roles cannot be read', async () => {
    let now = 0;
    let reads = 0;
    let failing = false;
    const names = new SubscriptionNames(
      {
        roleNames: async () => {
          reads++;
          if (failing) throw new Error('Graph 503');
          return [`Custom Role ${reads}`];
        },
        groupNames: async () => [],
      },
      () => now,
    );
    expect(await names.known()).toContain('Custom Role 1');
    now += 5 * 60_000 - 1;
    expect(await names.known()).toContain('Custom Role 1');
    now += 1;
    expect(await names.known()).toContain('Custom Role 2');
    failing = true;
    now += 5 * 60_000;
    await expect(names.known()).rejects.toThrow('Graph 503');
  });
});
