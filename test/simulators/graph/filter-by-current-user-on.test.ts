import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUsers } from '../../../simulators/tenant/demo-tenant';
import { type GraphCaller, type Harness, startHarness } from './support';

/*
 * filterByCurrentUser(on=...) accepts only the values each collection's docs page lists as supported.
 * Expected sets, from microsoft-graph-docs-contrib api-reference/{v1.0,beta}/api/:
 * - unifiedroleassignmentschedulerequest-filterbycurrentuser.md: "Only principal and approver are
 *   currently supported" (the enum also names createdBy).
 * - roleeligibilityschedule*, roleassignmentschedule*, privilegedaccessgroup{eligibility,assignment}schedule*
 *   -filterbycurrentuser.md: principal (plus the unknownFutureValue sentinel).
 * - privilegedaccessgroupassignmentschedulerequest-filterbycurrentuser.md: principal, createdBy, approver.
 * - beta approval-filterbycurrentuser.md: "The allowed value is approver".
 */
const DIR = '/v1.0/roleManagement/directory';
const GROUP = '/v1.0/identityGovernance/privilegedAccess/group';
const DOCUMENTED: Record<string, readonly string[]> = {
  [`${DIR}/roleEligibilitySchedules`]: ['principal'],
  [`${DIR}/roleEligibilityScheduleInstances`]: ['principal'],
  [`${DIR}/roleAssignmentSchedules`]: ['principal'],
  [`${DIR}/roleAssignmentScheduleInstances`]: ['principal'],
  [`${DIR}/roleAssignmentScheduleRequests`]: ['principal', 'approver'],
  [`${GROUP}/eligibilitySchedules`]: ['principal'],
  [`${GROUP}/eligibilityScheduleInstances`]: ['principal'],
  [`${GROUP}/assignmentSchedules`]: ['principal'],
  [`${GROUP}/assignmentScheduleInstances`]: ['principal'],
  [`${GROUP}/assignmentScheduleRequests`]: ['principal', 'createdBy', 'approver'],
  '/beta/roleManagement/directory/roleAssignmentApprovals': ['approver'],
  [`${GROUP}/assignmentApprovals`]: ['approver'],
};
const CANDIDATES = ['principal', 'approver', 'createdBy', 'target', 'unknownFutureValue', 'everyone'];

let h: Harness;
let adele: GraphCaller;
beforeAll(async () => {
  h = await startHarness();
  adele = await h.as(demoUsers.requester);
});
afterAll(() => h.close());

describe('filterByCurrentUser(on=...)', () => {
  it('serves the documented values of each collection and refuses every other one with 400 BadRequest', async () => {
    let served = 0;
    const refused: string[] = [];
    const wrong: string[] = [];
    for (const [collection, documented] of Object.entries(DOCUMENTED)) {
      for (const on of CANDIDATES) {
        const res = await adele.get(`${collection}/filterByCurrentUser(on='${on}')`);
        const ok = documented.includes(on);
        if (ok ? res.status === 200 : res.status === 400 && res.error?.code === 'BadRequest') {
          if (ok) served++;
          else refused.push(`${collection.split('/').pop()}:${on}`);
        } else {
          wrong.push(`${collection}(on='${on}') -> ${res.status} ${res.error?.code ?? ''}`);
        }
      }
    }
    console.log(
      `[on=] ${Object.keys(DOCUMENTED).length} collections x ${CANDIDATES.length} values: ${served} served, ${refused.length} refused, ${wrong.length} wrong`,
    );
    expect(wrong).toEqual([]);
  });

  it('names the value it refuses, so the caller knows what to change', async () => {
    const res = await adele.get(`${DIR}/roleAssignmentScheduleRequests/filterByCurrentUser(on='createdBy')`);
    expect(res.status).toBe(400);
    expect(res.error?.message).toContain("'createdBy'");
  });
});
