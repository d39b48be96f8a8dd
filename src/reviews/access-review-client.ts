import { GraphCallFailed, type GraphTransport } from '../pim/graph-transport';
import { ReviewError, type ReviewOperation, toReviewError } from './review-error';

/**
 * Access reviews as the signed-in reviewer sees them (../shared/graph/FEATURES-API.md §1), on a delegated
 * Graph transport: the reviewer's in-progress instances with their definitions' names, settings and due
 * dates, their decision items a page at a time, recording a decision, accepting the recommendations. v1.0
 * only: the one-call listing across reviews is beta (§1.1).
 */

export const ACCESS_REVIEWS = '/identityGovernance/accessReviews/definitions';

export type ReviewDecision = 'Approve' | 'Deny' | 'DontKnow';
export type ItemDecision = ReviewDecision | 'NotReviewed';

/** The definition settings the bot honours (FEATURES-API.md §1.5). */
export interface ReviewSettings {
  justificationRequiredOnApproval: boolean;
  recommendationsEnabled: boolean;
  /** Set when silence has an effect: what happens to items nobody decides ('Approve' | 'Deny' | 'Recommendation'). */
  defaultDecision: string | null;
}

export interface PendingReview {
  definitionId: string;
  definitionName: string;
  descriptionForReviewers: string;
  instanceId: string;
  /** When the instance ends (ISO). */
  dueDateTime: string | null;
  settings: ReviewSettings;
}

export interface ReviewItem {
  id: string;
  principalId: string;
  principalName: string;
  principalUpn: string;
  decision: ItemDecision;
  /** Null when the review shows no recommendation (disabled, or no information). */
  recommendation: 'Approve' | 'Deny' | null;
  justification: string;
  /** Who decided, null while NotReviewed (Graph sends an all-zero id then, §1.2). */
  reviewedBy: { id: string; displayName: string } | null;
  reviewedDateTime: string | null;
}

export interface ItemPage {
  items: ReviewItem[];
  /** Pass as `skip` for the next page; null on the last one. */
  nextSkip: number | null;
}

/** 'recorded': our decision was written. 'alreadyDecided': someone (the portal, another card) decided first; kept. */
export interface RecordResult {
  outcome: 'recorded' | 'alreadyDecided';
  item: ReviewItem;
}

interface WireIdentity {
  id?: string | null;
  displayName?: string | null;
  userPrincipalName?: string | null;
}
interface WireDefinition {
  id: string;
  displayName?: string | null;
  descriptionForReviewers?: string | null;
  settings?: {
    justificationRequiredOnApproval?: boolean;
    recommendationsEnabled?: boolean;
    defaultDecisionEnabled?: boolean;
    defaultDecision?: string | null;
  } | null;
}
interface WireInstance {
  id: string;
  endDateTime?: string | null;
  status?: string | null;
}
interface WireItem {
  id: string;
  decision?: string | null;
  recommendation?: string | null;
  justification?: string | null;
  reviewedDateTime?: string | null;
  reviewedBy?: WireIdentity | null;
  principal?: WireIdentity | null;
}
interface WirePage<T> {
  value?: T[];
  '@odata.nextLink'?: string;
}

const ZERO_ID = '00000000-0000-0000-0000-000000000000';
const DECISIONS: readonly ItemDecision[] = ['Approve', 'Deny', 'DontKnow', 'NotReviewed'];
const q = (text: string): string => encodeURIComponent(text);
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids come back from card data: only GUIDs go into a path or a $filter. */
function checkIds(...ids: string[]): void {
  for (const id of ids) {
    if (!GUID.test(id)) {
      throw new ReviewError({
        kind: 'BadRequest',
        graphCode: null,
        httpStatus: null,
        message: 'That access review item could not be read.',
        fix: 'List your pending reviews again.',
      });
    }
  }
}

function settingsOf(def: WireDefinition): ReviewSettings {
  const s = def.settings ?? {};
  return {
    justificationRequiredOnApproval: s.justificationRequiredOnApproval === true,
    recommendationsEnabled: s.recommendationsEnabled !== false,
    defaultDecision: s.defaultDecisionEnabled ? (s.defaultDecision ?? null) : null,
  };
}

function toItem(w: WireItem): ReviewItem {
  const decision = DECISIONS.find((d) => d.toLowerCase() === (w.decision ?? '').toLowerCase()) ?? 'NotReviewed';
  const rec = w.recommendation === 'Approve' || w.recommendation === 'Deny' ? w.recommendation : null;
  const by = w.reviewedBy;
  return {
    id: w.id,
    principalId: w.principal?.id ?? '',
    principalName: w.principal?.displayName ?? '',
    principalUpn: w.principal?.userPrincipalName ?? '',
    decision,
    recommendation: rec,
    justification: w.justification ?? '',
    reviewedBy: by?.id && by.id !== ZERO_ID ? { id: by.id, displayName: by.displayName ?? '' } : null,
    reviewedDateTime: decision === 'NotReviewed' ? null : (w.reviewedDateTime ?? null),
  };
}

export class AccessReviewClient {
  constructor(private readonly graph: GraphTransport) {}

  /** In-progress instances the caller reviews, soonest due first. */
  async listMyPendingReviews(): Promise<PendingReview[]> {
    const defs = await this.call('read', () =>
      this.graph.list<WireDefinition>(
        "/identityGovernance/accessReviews/definitions/filterByCurrentUser(on='reviewer')",
      ),
    );
    const perDefinition = await Promise.all(
      defs.map(async (def) => {
        const instances = await this.call('read', () =>
          this.graph.list<WireInstance>(
            `${ACCESS_REVIEWS}/${def.id}/instances/filterByCurrentUser(on='reviewer')?$filter=${q("status eq 'InProgress'")}`,
          ),
        );
        checkIds(def.id);
        return instances.map(
          (inst): PendingReview => ({
            definitionId: def.id,
            definitionName: def.displayName ?? '',
            descriptionForReviewers: def.descriptionForReviewers ?? '',
            instanceId: inst.id,
            dueDateTime: inst.endDateTime ?? null,
            settings: settingsOf(def),
          }),
        );
      }),
    );
    return perDefinition.flat().sort((a, b) => (a.dueDateTime ?? '').localeCompare(b.dueDateTime ?? ''));
  }

  /** One page of the caller's items of an instance ($top/$skip, §1.1); `pendingOnly` keeps NotReviewed ones. */
  async listItems(
    definitionId: string,
    instanceId: string,
    page: { top?: number; skip?: number; pendingOnly?: boolean } = {},
  ): Promise<ItemPage> {
    checkIds(definitionId, instanceId);
    const top = page.top ?? 100;
    const skip = page.skip ?? 0;
    const filter = page.pendingOnly ? `$filter=${q("decision eq 'NotReviewed'")}&` : '';
    const res = await this.call('read', () =>
      this.graph.get<WirePage<WireItem>>(
        `${this.decisions(definitionId, instanceId)}?${filter}$top=${top}&$skip=${skip}`,
      ),
    );
    const items = (res.value ?? []).map(toItem);
    return { items, nextSkip: res['@odata.nextLink'] ? skip + items.length : null };
  }

  /**
   * Records the caller's decision, first write wins: an item already decided (in the portal, by another
   * reviewer, from another card) is read back and returned as 'alreadyDecided', never overwritten, though
   * Graph would let a PATCH replace it. `settings` lets a missing reason be refused before calling Graph.
   */
  async recordDecision(
    definitionId: string,
    instanceId: string,
    itemId: string,
    decision: ReviewDecision,
    justification: string,
    settings?: ReviewSettings,
  ): Promise<RecordResult> {
    checkIds(definitionId, instanceId, itemId);
    const current = await this.readItem(definitionId, instanceId, itemId);
    if (current.decision !== 'NotReviewed') return { outcome: 'alreadyDecided', item: current };
    if (decision === 'Approve' && settings?.justificationRequiredOnApproval && justification.trim() === '') {
      throw new ReviewError({
        kind: 'JustificationRequired',
        graphCode: null,
        httpStatus: null,
        message: 'This review needs a reason for each approval.',
        fix: 'Give a reason and approve again.',
      });
    }
    await this.call('decide', () =>
      this.graph.patch(`${ACCESS_REVIEWS}/${definitionId}/instances/${instanceId}/decisions/${itemId}`, {
        decision,
        justification,
      }),
    );
    return { outcome: 'recorded', item: await this.readItem(definitionId, instanceId, itemId) };
  }

  /** Takes the recommendation for every NotReviewed item the caller reviews in the instance (§1.3). */
  async acceptRecommendations(definitionId: string, instanceId: string): Promise<void> {
    checkIds(definitionId, instanceId);
    await this.call('acceptRecommendations', () =>
      this.graph.post(`${ACCESS_REVIEWS}/${definitionId}/instances/${instanceId}/acceptRecommendations`, {}),
    );
  }

  private decisions(definitionId: string, instanceId: string): string {
    return `${ACCESS_REVIEWS}/${definitionId}/instances/${instanceId}/decisions/filterByCurrentUser(on='reviewer')`;
  }

  /** The item through the reviewer's own view (GET by id needs an admin role, §1.7). */
  private async readItem(definitionId: string, instanceId: string, itemId: string): Promise<ReviewItem> {
    const res = await this.call('read', () =>
      this.graph.get<WirePage<WireItem>>(
        `${this.decisions(definitionId, instanceId)}?$filter=${q(`id eq '${itemId}'`)}`,
      ),
    );
    const found = res.value?.[0];
    if (!found) {
      // Not among the caller's items: gone, or not theirs to decide.
      throw new ReviewError({
        kind: 'NotReviewer',
        graphCode: null,
        httpStatus: null,
        message: 'This item is not one of your access review items.',
        fix: 'List your pending reviews again; only the reviewers the review names can decide.',
      });
    }
    return toItem(found);
  }

  private async call<T>(operation: ReviewOperation, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof GraphCallFailed) throw toReviewError(err.failure, operation);
      throw err;
    }
  }
}
