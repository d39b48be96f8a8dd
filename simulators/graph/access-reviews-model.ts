import type {
  FixtureAccessReview,
  FixtureAccessReviewInstance,
  FixtureAccessReviewItem,
} from '../tenant/access-review-fixture';
import type { FixtureUser } from '../tenant/tenant-fixture';
import type { LoadedTenant } from './fixture-loader';
import { sameId } from './ids';
import type { JsonObject } from './json';

/**
 * Access reviews held by the simulator (../shared/graph/FEATURES-API.md §1): the fixture's definitions,
 * instances and decision items, with the decisions recorded since the fixture was loaded. One store per
 * loaded tenant, so loading a fixture starts the reviews afresh like the rest of the state.
 */

export type Decision = 'Approve' | 'Deny' | 'DontKnow' | 'NotReviewed';

/** A decision item as it stands now. */
export interface ReviewItem {
  readonly fixture: FixtureAccessReviewItem;
  decision: Decision;
  justification: string;
  reviewedById: string | null;
  reviewedAt: Date | null;
}

export interface ReviewInstance {
  readonly fixture: FixtureAccessReviewInstance;
  readonly definition: FixtureAccessReview;
  readonly start: Date;
  readonly end: Date;
  status: string;
  readonly items: ReviewItem[];
}

const ZERO_ID = '00000000-0000-0000-0000-000000000000';
const DAY = 86_400_000;

export class AccessReviewStore {
  readonly definitions: FixtureAccessReview[];
  private readonly instances = new Map<string, ReviewInstance>();

  constructor(private readonly tenant: LoadedTenant) {
    this.definitions = tenant.fixture.accessReviews ?? [];
    for (const def of this.definitions) {
      const days = def.settings?.instanceDurationInDays ?? 14;
      for (const inst of def.instances) {
        const start = inst.startDateTime ? new Date(inst.startDateTime) : new Date(tenant.loadedAt.getTime() - 7 * DAY);
        const end = inst.endDateTime ? new Date(inst.endDateTime) : new Date(start.getTime() + days * DAY);
        this.instances.set(inst.id.toLowerCase(), {
          fixture: inst,
          definition: def,
          start,
          end,
          status: inst.status ?? 'InProgress',
          items: inst.items.map((i) => ({
            fixture: i,
            decision: i.decision ?? 'NotReviewed',
            justification: i.justification ?? '',
            reviewedById: i.decision ? (i.reviewedById ?? null) : null,
            reviewedAt: i.decision ? start : null,
          })),
        });
      }
    }
  }

  definition(id: string): FixtureAccessReview | undefined {
    return this.definitions.find((d) => sameId(d.id, id));
  }

  /** The instance `instId` of definition `defId`, or undefined when either is unknown. */
  instance(defId: string, instId: string): ReviewInstance | undefined {
    const inst = this.instances.get(instId.toLowerCase());
    return inst && sameId(inst.definition.id, defId) ? inst : undefined;
  }

  instancesOf(def: FixtureAccessReview): ReviewInstance[] {
    return def.instances.flatMap((i) => this.instances.get(i.id.toLowerCase()) ?? []);
  }

  user(id: string | null): FixtureUser | undefined {
    return id ? this.tenant.users.get(id.toLowerCase()) : undefined;
  }
}

/** Only users listed as reviewers may see or decide an instance's items (FEATURES-API.md §1.3, §1.6). */
export function isReviewer(def: FixtureAccessReview, userId: string): boolean {
  return def.reviewerIds.some((r) => sameId(r, userId));
}

const stores = new WeakMap<LoadedTenant, AccessReviewStore>();

/** The reviews of the tenant currently loaded (a new fixture, a new store). */
export function accessReviewStore(tenant: LoadedTenant): AccessReviewStore {
  let store = stores.get(tenant);
  if (!store) {
    store = new AccessReviewStore(tenant);
    stores.set(tenant, store);
  }
  return store;
}

function userIdentity(user: FixtureUser | undefined, id: string | null): JsonObject {
  return {
    '@odata.type': '#microsoft.graph.userIdentity',
    id: user?.id ?? id ?? ZERO_ID,
    displayName: user?.displayName ?? '',
    userPrincipalName: user?.userPrincipalName ?? '',
  };
}

function reviewerScope(userId: string): JsonObject {
  return { query: `/users/${userId}`, queryType: 'MicrosoftGraph', queryRoot: null };
}

/** The role-eligibility scope the docs show for reviews of an Entra role (DOCS concepts/accessreviews-scope-concept.md). */
function roleScope(roleDefinitionId: string): JsonObject {
  return {
    '@odata.type': '#microsoft.graph.accessReviewQueryScope',
    query: `/roleManagement/directory/roleEligibilityScheduleInstances?$expand=principal&$filter=(isof(principal,'microsoft.graph.user') and roleDefinitionId eq '${roleDefinitionId}')`,
    queryType: 'MicrosoftGraph',
    queryRoot: null,
  };
}

export function definitionJson(store: AccessReviewStore, def: FixtureAccessReview): JsonObject {
  const s = def.settings ?? {};
  const created = store.instancesOf(def)[0]?.start.toISOString() ?? null;
  return {
    id: def.id,
    displayName: def.displayName,
    createdDateTime: created,
    lastModifiedDateTime: created,
    status: 'InProgress',
    descriptionForAdmins: '',
    descriptionForReviewers: def.descriptionForReviewers ?? '',
    createdBy: userIdentity(store.user(def.createdById), def.createdById),
    scope: roleScope(def.roleDefinitionId),
    instanceEnumerationScope: null,
    reviewers: def.reviewerIds.map(reviewerScope),
    fallbackReviewers: [],
    settings: {
      mailNotificationsEnabled: true,
      reminderNotificationsEnabled: true,
      justificationRequiredOnApproval: s.justificationRequiredOnApproval ?? false,
      defaultDecisionEnabled: s.defaultDecisionEnabled ?? false,
      defaultDecision: s.defaultDecision ?? 'None',
      instanceDurationInDays: s.instanceDurationInDays ?? 14,
      recommendationsEnabled: s.recommendationsEnabled ?? true,
      recommendationLookBackDuration: 'P30D',
      autoApplyDecisionsEnabled: s.autoApplyDecisionsEnabled ?? true,
      decisionHistoriesForReviewersEnabled: false,
      recurrence: {
        pattern: {
          type: 'absoluteMonthly',
          interval: 3,
          month: 0,
          dayOfMonth: 0,
          daysOfWeek: [],
          firstDayOfWeek: 'sunday',
          index: 'first',
        },
        range: {
          type: 'noEnd',
          numberOfOccurrences: 0,
          recurrenceTimeZone: null,
          startDate: created?.slice(0, 10) ?? null,
          endDate: null,
        },
      },
      applyActions: [],
      recommendationInsightSettings: [],
    },
    stageSettings: [],
    additionalNotificationRecipients: [],
  };
}

export function instanceJson(inst: ReviewInstance): JsonObject {
  return {
    id: inst.fixture.id,
    startDateTime: inst.start.toISOString(),
    endDateTime: inst.end.toISOString(),
    status: inst.status,
    scope: roleScope(inst.definition.roleDefinitionId),
    reviewers: inst.definition.reviewerIds.map(reviewerScope),
    fallbackReviewers: [],
  };
}

export function itemJson(store: AccessReviewStore, inst: ReviewInstance, item: ReviewItem): JsonObject {
  const principal = store.user(item.fixture.principalId);
  const recommendationsOn = inst.definition.settings?.recommendationsEnabled ?? true;
  return {
    id: item.fixture.id,
    accessReviewId: inst.fixture.id,
    reviewedDateTime: item.reviewedAt?.toISOString() ?? null,
    decision: item.decision,
    justification: item.justification,
    appliedDateTime: null,
    applyResult: 'New',
    recommendation: recommendationsOn ? (item.fixture.recommendation ?? 'NoInfoAvailable') : 'NoInfoAvailable',
    // Graph links to itself, not to the host that answered (FEATURES-API.md §1.2 sample).
    principalLink: `https://graph.microsoft.com/v1.0/users/${item.fixture.principalId}`,
    resourceLink: null,
    resource: null,
    appliedBy: userIdentity(undefined, null),
    reviewedBy: userIdentity(store.user(item.reviewedById), item.reviewedById),
    principal: userIdentity(principal, item.fixture.principalId),
  };
}
