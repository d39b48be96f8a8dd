import fc from 'fast-check';
import { demoGroups, demoRoles, demoUsers } from '../../simulators/tenant/demo-tenant';
import type { FixtureUser } from '../../simulators/tenant/tenant-fixture';

/**
 * The tampered card actions of the abuse suite, shared by the playground run (tampered-card-actions.test.ts)
 * and the production-stack run (test/production/tampered-card-actions.test.ts): other users' request ids,
 * approver identity claimed in the data fields, random ids, a valid action replayed by the wrong user.
 * Fixed fast-check seed: the same list every run, given the same targets.
 */

const { requester: adele, approver: megan, secondApprover: nestor, noAccess: lee, admin: isaiah } = demoUsers;
/** The key of Adele's active Exchange Administrator assignment, as the Deactivate button carries it. */
export const EXCHANGE_KEY = `role:${demoRoles.exchangeAdministrator}:/`;

/** The real objects the tampering aims at. */
export interface TamperTargets {
  /** Adele's pending Global Administrator request (approvers Megan and Nestor). */
  gaRequest: string;
  /** Adele's pending Security Operators group request (approver Megan only). */
  groupRequest: string;
  /** The Approve button's data on the card Megan got for the Global Administrator request. */
  megansApprove: Record<string, unknown>;
}

export interface Tamper {
  kind: string;
  user: FixtureUser;
  verb: string;
  data: Record<string, unknown>;
  /** Sent as an Action.Submit message instead of an Action.Execute invoke. */
  submit?: boolean;
}

/** Identity claims an attacker can put in card data: the bot must take identity from the activity only. */
export function spoofed(as: FixtureUser): Record<string, unknown> {
  return {
    approverId: as.id,
    aadObjectId: as.id,
    userId: as.id,
    from: { id: `29:${as.id}`, aadObjectId: as.id },
    clicker: as.id,
    decidedBy: { aadObjectId: as.id },
  };
}

export function tampers(ctx: TamperTargets): Tamper[] {
  const { gaRequest, groupRequest, megansApprove } = ctx;
  const seed = 7;
  const sample = <T>(arb: fc.Arbitrary<T>, n: number) => fc.sample(arb, { numRuns: n, seed });
  const out: Tamper[] = [];
  const verb = fc.constantFrom('approve', 'deny');
  const comment = fc.oneof(
    fc.constant('ok'),
    fc.string({ maxLength: 40 }),
    fc.string({ minLength: 600, maxLength: 2000 }),
  );

  // Non-approvers (Lee, Isaiah the PIM admin) claiming to be an approver in the data.
  for (const [v, c, i] of sample(fc.tuple(verb, comment, fc.nat()), 120)) {
    const user = i % 3 ? lee : isaiah;
    const requestId = i % 2 ? gaRequest : groupRequest;
    out.push({
      kind: 'non-approver-spoofing',
      user,
      verb: v,
      data: { pimbot: v, requestId, comment: c, ...spoofed(i % 4 ? megan : nestor) },
    });
  }
  // The requester deciding her own requests, claiming to be Megan.
  for (const [v, c, i] of sample(fc.tuple(verb, comment, fc.nat()), 60)) {
    out.push({
      kind: 'requester-self-decision',
      user: adele,
      verb: v,
      data: {
        pimbot: v,
        requestId: i % 2 ? gaRequest : groupRequest,
        comment: c,
        requesterId: lee.id,
        ...spoofed(megan),
      },
    });
  }
  // Nestor approves Global Administrator requests, not this group's: another request's id in his click.
  for (const [v, c] of sample(fc.tuple(verb, comment), 60)) {
    out.push({
      kind: 'other-request-id',
      user: nestor,
      verb: v,
      data: { pimbot: v, requestId: groupRequest, comment: c, ...spoofed(megan) },
    });
  }
  // Random and near-miss request ids, from a real approver and from a stranger.
  const ids = fc.oneof(
    fc.uuid(),
    fc.constantFrom(
      '',
      ' ',
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      '../../etc/passwd',
      '*',
      '%00',
      'null',
    ),
    fc.constantFrom(
      gaRequest.toUpperCase(),
      ` ${gaRequest}`,
      `${gaRequest} `,
      `${gaRequest}x`,
      gaRequest.slice(0, -1),
      `${gaRequest}/..`,
    ),
    fc.jsonValue({ maxDepth: 2 }),
    fc.string({ minLength: 1000, maxLength: 5000 }),
  );
  for (const [id, v, i] of sample(fc.tuple(ids, verb, fc.nat()), 120)) {
    // Megan is a real approver of the Global Administrator request: near-misses of its id go to Lee only.
    const nearMiss = typeof id === 'string' && id.trim().toLowerCase().startsWith(gaRequest.slice(0, 8).toLowerCase());
    out.push({
      kind: 'random-request-id',
      user: nearMiss || i % 2 ? lee : megan,
      verb: v,
      data: { pimbot: v, requestId: id, comment: 'x' },
    });
  }
  // Megan's own Approve button, clicked (replayed) by other users.
  for (const [i, c] of sample(fc.tuple(fc.nat(), comment), 50)) {
    out.push({
      kind: 'valid-action-wrong-user',
      user: [lee, adele, isaiah][i % 3]!,
      verb: 'approve',
      data: { ...megansApprove, comment: c },
    });
  }
  // Deny with tampered comment plumbing, by a stranger.
  for (const inputId of sample(
    fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'requestId'), fc.string()),
    20,
  )) {
    out.push({
      kind: 'deny-comment-tampering',
      user: lee,
      verb: 'deny',
      data: { pimbot: 'deny', requestId: gaRequest, commentInputId: inputId, [String(inputId)]: 'x' },
    });
  }
  // Refresh (Universal Actions) by a stranger: never brings the buttons.
  for (let i = 0; i < 30; i++) {
    out.push({
      kind: 'refresh-by-stranger',
      user: i % 2 ? lee : isaiah,
      verb: 'refreshApproval',
      data: { requestId: i % 3 ? gaRequest : groupRequest, ...spoofed(megan) },
    });
  }
  // Approve sent as an Action.Submit message: no decision path there.
  for (let i = 0; i < 20; i++) {
    out.push({
      kind: 'approve-as-submit',
      user: i % 2 ? lee : megan,
      verb: 'submit',
      submit: true,
      data: { pimbot: 'approve', verb: 'approve', requestId: gaRequest },
    });
  }
  // "Deactivate now" with Adele's active role, clicked by others; and malformed keys.
  const keys = fc.oneof(
    fc.constant(EXCHANGE_KEY),
    fc.constantFrom(
      `role:${demoRoles.exchangeAdministrator}`,
      `group:${demoGroups.securityOperators.id}:member`,
      'role::/',
      ':',
      '',
      'role:../:/',
    ),
    fc.jsonValue({ maxDepth: 1 }),
  );
  for (const [key, i] of sample(fc.tuple(keys, fc.nat()), 60)) {
    const user = [lee, nestor, megan, isaiah][i % 4]!;
    out.push({
      kind: 'deactivate-others-role',
      user,
      verb: 'deactivate',
      data: { pimbot: 'deactivate', key, ...spoofed(adele) },
    });
  }
  return out;
}

/** The refusal the card answered with, for the tally. */
export function outcome(text: string): string {
  const known = [
    'Only the approvers of this request can decide it',
    'cannot approve or deny your own request',
    'unknown to PIM Bot',
    'Unknown request',
    'A reason is required to deny',
    'Nothing is active for you',
    'This button carries no role',
    'Already approved',
    'Active now', // the clicker's own active roles: the key named none of them
  ];
  if (text === '') return 'message';
  const refusal = known.find((k) => text.includes(k));
  if (refusal) return refusal;
  if (text.includes('"verb":"approve"')) return 'card WITH the Approve button';
  if (text.includes('Approval needed')) return 'approval card, view only';
  return 'other';
}
