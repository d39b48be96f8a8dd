import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { forgetFeedAdmins, isFeedAdmin } from '../../src/notifications/feed-admins';
import type { DirectoryClient } from '../../src/pim/directory-client';
import { demoGroups, demoTenant, demoUsers } from '../../simulators/tenant/demo-tenant';
import { type PimTestStack, startPimTestStack } from '../support/pim-stack';

/**
 * Who may subscribe channels to the activation feed: the members of the feed admin group, read with the
 * bot's app-only credential from the Graph simulator (here the demo tenant's "PIM Approvers": Megan and
 * Nestor).
 */

const { approver: megan, secondApprover: nestor, requester: adele } = demoUsers;
const ADMINS = demoGroups.pimApprovers.id;

let t: PimTestStack;
let directory: DirectoryClient;

const memberReads = () =>
  t.stack.graph.calls().filter((c) => c.path.startsWith(`/v1.0/groups/${ADMINS}/members`)).length;

beforeAll(async () => {
  t = await startPimTestStack();
});
afterAll(async () => {
  await t?.close();
});
beforeEach(() => {
  t.stack.graph.loadFixture(demoTenant);
  t.stack.graph.resetCalls();
  directory = t.directory();
});
afterEach(() => {
  expect(t.violations, t.contractReport()).toEqual([]);
  t.violations.length = 0;
});

describe('isFeedAdmin', () => {
  it('true for members of the admin group, false for everyone else', async () => {
    expect(await isFeedAdmin(directory, ADMINS, megan.id)).toBe(true);
    expect(await isFeedAdmin(directory, ADMINS, nestor.id.toUpperCase())).toBe(true);
    expect(await isFeedAdmin(directory, ADMINS, adele.id)).toBe(false);
  });

  it('reads the group once and reuses its members (cached for 5 minutes)', async () => {
    await isFeedAdmin(directory, ADMINS, megan.id);
    await isFeedAdmin(directory, ADMINS, adele.id);
    await isFeedAdmin(directory, ADMINS.toUpperCase(), nestor.id);
    expect(memberReads()).toBe(1);

    forgetFeedAdmins(directory);
    await isFeedAdmin(directory, ADMINS, megan.id);
    expect(memberReads()).toBe(2);
  });

  it('no admin group configured, or no user id: nobody is an admin, and Graph is not asked', async () => {
    expect(await isFeedAdmin(directory, undefined, megan.id)).toBe(false);
    expect(await isFeedAdmin(directory, '  ', megan.id)).toBe(false);
    expect(await isFeedAdmin(directory, ADMINS, undefined)).toBe(false);
    expect(t.stack.graph.calls()).toEqual([]);
  });

  it('a group that does not exist is an error, not a "no"', async () => {
    await expect(isFeedAdmin(directory, '00000000-0000-4000-8000-00000000dead', megan.id)).rejects.toMatchObject({
      kind: 'NotFound',
    });
  });
});
