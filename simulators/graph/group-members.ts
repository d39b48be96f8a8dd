import type { SimState } from './state';

/**
 * Every member of a group at `now`, nested groups followed (users and the nested groups themselves), each
 * once, the root left out; a membership cycle ends where it closes. Order: breadth first, each group's
 * members in the order {@link SimState.groupMemberIds} lists them. What `GET /groups/{id}/transitiveMembers`
 * answers: "a flat list of all nested members" (DOCS api-reference/v1.0/api/group-list-transitivemembers.md).
 */
export function transitiveMemberIds(state: SimState, groupId: string, now: Date): string[] {
  const seen = new Set([groupId.toLowerCase()]);
  const out: string[] = [];
  const queue = [groupId];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const id of state.groupMemberIds(next, now)) {
      if (seen.has(id.toLowerCase())) continue;
      seen.add(id.toLowerCase());
      out.push(id);
      if (state.tenant.group(id)) queue.push(id);
    }
  }
  return out;
}
