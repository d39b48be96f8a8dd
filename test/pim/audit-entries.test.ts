import { describe, expect, it } from 'vitest';
import { toPimChange } from '../../src/pim/audit-reader';

/**
 * Which directory audit entries the watcher acts on, and whose requests it then reads. Entries are shaped as
 * Microsoft documents them (DOCS api-reference/v1.0/api/directoryaudit-list.md response sample; activity
 * names: ../shared/graph/PIM-API.md §6), in both forms where the docs and third-party samples disagree
 * (FEATURES-API.md §2.2: `loggedByService` 'PIM' or 'Privileged Identity Management').
 */

const adele = '5e8f1b3a-7c2d-4e9f-8a1b-2c3d4e5f6a7b';
const reportsReader = '4a5d8f65-41da-4de4-8968-e035b65339cf';

const entry = (over: Record<string, unknown> = {}) => ({
  id: 'Directory_d0e1f2a3',
  category: 'RoleManagement',
  correlationId: 'da159bfb-54fa-4092-8a38-6e1fa7870e30',
  result: 'success',
  resultReason: 'monthly report',
  activityDisplayName: 'Add member to role completed (PIM activation)',
  activityDateTime: '2026-11-02T07:14:09.5215374Z',
  loggedByService: 'PIM',
  initiatedBy: { user: { id: adele, userPrincipalName: 'adele@contoso.example' }, app: null },
  targetResources: [
    { id: reportsReader, displayName: 'Reports Reader', type: 'Role' },
    { id: adele, displayName: 'Adele Vance', type: 'User' },
  ],
  ...over,
});

describe('toPimChange', () => {
  it('an activation completed: the member of the User target, a role, at the entry time', () => {
    expect(toPimChange(entry())).toEqual({
      eventId: 'Directory_d0e1f2a3',
      principalId: adele,
      kind: 'role',
      at: new Date('2026-11-02T07:14:09.5215374Z'),
      activity: 'Add member to role completed (PIM activation)',
    });
  });

  it("accepts loggedByService 'Privileged Identity Management' (the resource docs' form) and none at all", () => {
    expect(toPimChange(entry({ loggedByService: 'Privileged Identity Management' }))?.principalId).toBe(adele);
    expect(toPimChange(entry({ loggedByService: null }))?.principalId).toBe(adele);
    expect(toPimChange(entry({ loggedByService: 'Core Directory' }))).toBeUndefined();
  });

  it('an approver or PIM itself as the actor: the member is still the User target', () => {
    const approverId = '9b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e';
    const approved = entry({
      activityDisplayName: 'Add member to role request approved (PIM activation)',
      initiatedBy: { user: { id: approverId }, app: null },
    });
    expect(toPimChange(approved)?.principalId).toBe(adele);
    const ranOut = entry({
      activityDisplayName: 'Remove member from role (PIM activation expired)',
      initiatedBy: { user: null, app: { displayName: 'MS-PIM' } },
    });
    expect(toPimChange(ranOut)?.principalId).toBe(adele);
  });

  it('without a User target, the actor (a self-activation is made by its member)', () => {
    const noUser = entry({ targetResources: [{ id: reportsReader, type: 'Role' }] });
    expect(toPimChange(noUser)?.principalId).toBe(adele);
  });

  it('PIM for Groups entries are group changes; without a category, a Role target says role', () => {
    expect(
      toPimChange(
        entry({
          category: 'GroupManagement',
          targetResources: [
            { id: 'g1', type: 'Group' },
            { id: adele, type: 'User' },
          ],
        }),
      )?.kind,
    ).toBe('group');
    expect(toPimChange(entry({ category: null }))?.kind).toBe('role');
  });

  it('acts on activations, deactivations and active assignments; not on eligibility, settings or alerts', () => {
    const acted = [
      'Add member to role requested (PIM activation)',
      'Add member to role approval requested (PIM activation)',
      'Add member to role request denied (PIM activation)',
      'Add member to role canceled (PIM activation)',
      'PIM activation request expired',
      'Remove member from role completed (PIM deactivate)',
      'Add member to role in PIM completed (timebound)',
      'Remove member from role in PIM completed (permanent)',
      'Update member in PIM requested (extend)',
    ];
    const ignored = [
      'Add eligible member to role in PIM completed (permanent)',
      'Remove eligible member from role in PIM completed (timebound)',
      'Update role setting in PIM',
      'Add member to role outside of PIM (permanent)',
      'Triggered PIM alert',
    ];
    for (const name of acted) expect(toPimChange(entry({ activityDisplayName: name })), name).toBeDefined();
    for (const name of ignored) expect(toPimChange(entry({ activityDisplayName: name })), name).toBeUndefined();
  });
});
