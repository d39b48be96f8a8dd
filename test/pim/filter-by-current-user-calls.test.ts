import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * The bot may only send filterByCurrentUser(on=...) values the docs list as supported for that
 * collection (the simulator refuses the others, as Graph does). Table from microsoft-graph-docs-contrib
 * api-reference/v1.0/api/*-filterbycurrentuser.md and beta approval-filterbycurrentuser.md; see
 * simulators/graph/FIDELITY.md. Read from the source so a call on a path no test drives is checked too.
 */
const DOCUMENTED: Record<string, readonly string[]> = {
  roleEligibilitySchedules: ['principal'],
  roleEligibilityScheduleInstances: ['principal'],
  roleAssignmentSchedules: ['principal'],
  roleAssignmentScheduleInstances: ['principal'],
  roleAssignmentScheduleRequests: ['principal', 'approver'],
  eligibilitySchedules: ['principal'],
  eligibilityScheduleInstances: ['principal'],
  assignmentSchedules: ['principal'],
  assignmentScheduleInstances: ['principal'],
  assignmentScheduleRequests: ['principal', 'createdBy', 'approver'],
  roleAssignmentApprovals: ['approver'],
  assignmentApprovals: ['approver'],
  // Access reviews: `reviewer` only (../shared/graph/FEATURES-API.md §1.1; accessreviewscheduledefinition-,
  // accessreviewinstance- and accessreviewinstancedecisionitem-filterbycurrentuser.md).
  definitions: ['reviewer'],
  instances: ['reviewer'],
  decisions: ['reviewer'],
};

const SRC = join(__dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('filterByCurrentUser calls the bot makes', () => {
  it('use only the on= values documented for their collection', () => {
    const calls: string[] = [];
    const undocumented: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(\w+)\/filterByCurrentUser\(on=(?:'|%27)([^'%]*)(?:'|%27)\)/g)) {
        const [, collection = '', on = ''] = m;
        const call = `${relative(SRC, file)}: ${collection}(on='${on}')`;
        calls.push(call);
        if (!DOCUMENTED[collection]?.includes(on)) undocumented.push(call);
      }
      // A call built some other way (template on=, other quoting) would escape the check above.
      const all = text.match(/filterByCurrentUser\(/g)?.length ?? 0;
      const matched = [...text.matchAll(/\w+\/filterByCurrentUser\(on=(?:'|%27)[^'%]*(?:'|%27)\)/g)].length;
      if (all !== matched)
        undocumented.push(
          `${relative(SRC, file)}: ${all - matched} filterByCurrentUser call(s) not in the checked form`,
        );
    }
    console.log(`[on=] bot source: ${calls.length} filterByCurrentUser calls, ${undocumented.length} undocumented`);
    expect(calls.length).toBeGreaterThan(0);
    expect(undocumented).toEqual([]);
  });
});
