import { isApprover } from './approvers';
import type { HandlerContext } from './context';
import { graphErrors } from './errors';
import { sameId } from './ids';
import { READER_ROLE_IDS } from './permissions';
import type { StoredRequest } from './state';

/** Whether the user holds a reader-class Entra role now: permanently assigned or activated. */
export function holdsReaderRole(ctx: HandlerContext, userId: string): boolean {
  const isReader = (roleId: string | null) => READER_ROLE_IDS.some((r) => sameId(r, roleId ?? ''));
  const permanent = ctx.state.tenant.index.roleAssignmentsByPrincipal.get(userId);
  if (permanent.some((a) => sameId(a.principalId, userId) && isReader(a.roleDefinitionId))) return true;
  return ctx.state
    .activationsOf(userId, 'role')
    .some((a) => sameId(a.principalId, userId) && isReader(a.roleDefinitionId) && ctx.state.isActive(a, ctx.now));
}

function refuse(): never {
  throw graphErrors.forbidden(
    "Reading other users' role requests needs Global Reader, Security Operator, Security Reader, Security Administrator or Privileged Role Administrator.",
  );
}

/** Tenant-wide delegated listing: a reader role is needed (app-only callers are checked by permission alone). */
export function requireReaderRoleForListing(ctx: HandlerContext): void {
  if (ctx.caller.kind === 'user' && !holdsReaderRole(ctx, ctx.caller.objectId)) refuse();
}

/** One request by id: its requester, creator and approvers may read it; anyone else needs a reader role. */
export function requireReaderRoleForRequest(ctx: HandlerContext, req: StoredRequest | undefined): void {
  const caller = ctx.caller;
  if (caller.kind !== 'user' || !req) return;
  const me = caller.objectId;
  if (sameId(req.principalId, me) || sameId(req.createdById, me)) return;
  if (req.approval && isApprover(ctx.state, req.approval, req.principalId, me, ctx.now)) return;
  if (!holdsReaderRole(ctx, me)) refuse();
}
