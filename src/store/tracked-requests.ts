import type { ConversationReference, Storage } from 'botbuilder';
import type { PimTarget } from '../pim/pim-types';
import { isConflict, jitter, updateItem } from './compare-and-swap';

export { ConcurrentUpdateError, isConflict } from './compare-and-swap';

/** One posted copy of a request's card, remembered so every copy can be updated in place. */
export interface CardCopy {
  audience: 'requester' | 'approver' | 'channel';
  /** The person this copy was sent to (1:1 copies). */
  userAadObjectId?: string;
  /** The Teams channel of a channel copy. */
  channelId?: string;
  conversation: Partial<ConversationReference>;
  activityId: string;
}

export interface TrackedPerson {
  aadObjectId: string;
  name: string;
  /** Teams user id ("29:…"), when known: used for refresh.userIds. */
  mri?: string;
}

export type TrackedStatus = 'pending' | 'approved' | 'denied' | 'expired' | 'canceled' | 'failed';

/** A PIM request the bot follows: who asked, who may approve, where its cards are. No tokens. */
export interface TrackedRequest {
  requestId: string;
  approvalId: string;
  kind: 'role' | 'group';
  target: PimTarget;
  requester: TrackedPerson;
  durationMinutes: number;
  justification?: string;
  ticket?: string;
  ticketSystem?: string;
  requestedAt: string;
  approvers: TrackedPerson[];
  hints: Array<{
    kind: 'outsideBusinessHours' | 'severalRoles' | 'firstTime' | 'breakGlass' | 'highPrivilege';
    text: string;
  }>;
  status: TrackedStatus;
  /** Set while one approver's decision is on its way to Graph (the compare-and-swap claim). */
  deciding?: { by: string; at: string };
  decidedBy?: TrackedPerson;
  decidedAt?: string;
  decisionComment?: string;
  /** When the activation ends, once Graph shows it provisioned. */
  activeUntil?: string;
  /** The requester's card says Active and the activation is announced (the follow-up is done). */
  provisionedNotified?: boolean;
  /** Its activation is followed to its end (expiry warning, Expired card). */
  lifecycleTracked?: boolean;
  cards: CardCopy[];
  remindedAt?: string;
  /** When an instance claimed the escalation (a lease), and whether it was posted. */
  escalatedAt?: string;
  escalated?: boolean;
  /** Its reminder, escalation and expiry jobs are queued. */
  timersQueued?: boolean;
  /** The requester's time zone (IANA) from their Teams client, for times on their card. */
  requesterTimeZone?: string;
  /** The requester's chat with the bot: where the approvers' 1:1 chats are opened from. */
  requesterConversation?: Partial<ConversationReference>;
}

interface Stored {
  value: TrackedRequest;
  eTag?: string;
}

/** The index of pending requests; create it up front (createStorage initialItems) so no first write races. */
export const TRACKED_INDEX_KEY = 'tracked/pending-index';
const INDEX_KEY = TRACKED_INDEX_KEY;

/**
 * Tracked requests on the bot's Storage, every write that can race made with eTag compare-and-swap:
 * two instances (or two approvers' clicks) cannot both believe they won.
 */
export class TrackedRequestStore {
  constructor(private readonly storage: Storage) {}

  async get(requestId: string): Promise<TrackedRequest | undefined> {
    return (await this.read(requestId))?.value;
  }

  async create(value: TrackedRequest): Promise<void> {
    await this.storage.write({ [key(value.requestId)]: { value, eTag: '*' } });
    await this.updateIndex((ids) => (ids.includes(value.requestId) ? ids : [...ids, value.requestId]));
  }

  /**
   * Read-modify-write with compare-and-swap. `change` returns the new value, or undefined to leave it
   * as is. Retries when another writer got there first; returns what was written (or the current value).
   */
  async update(
    requestId: string,
    change: (current: TrackedRequest) => TrackedRequest | undefined,
    attempts = 50,
  ): Promise<{ value: TrackedRequest; changed: boolean } | undefined> {
    const result = await updateItem(this.storage, key(requestId), change, attempts);
    if (result?.changed && result.value.status !== 'pending') {
      await this.updateIndex((ids) => ids.filter((id) => id !== requestId));
    }
    return result;
  }

  /** Requests still waiting for a decision (for reminders, escalation and expiry). */
  async pending(): Promise<TrackedRequest[]> {
    const ids = await this.indexIds();
    const items = await Promise.all(ids.map((id) => this.get(id)));
    return items.filter((r): r is TrackedRequest => r?.status === 'pending');
  }

  /** Whether a user asked for a target before (the "first time" hint); keyed by the caller. */
  async hasHistory(historyKey: string): Promise<boolean> {
    const key = `history/${historyKey}`;
    return Boolean((await this.storage.read([key]))[key]);
  }

  async rememberHistory(historyKey: string, at: Date): Promise<void> {
    await this.storage.write({ [`history/${historyKey}`]: { at: at.toISOString(), eTag: '*' } });
  }

  private async read(requestId: string): Promise<Stored | undefined> {
    const items = await this.storage.read([key(requestId)]);
    return items[key(requestId)] as Stored | undefined;
  }

  private async indexIds(): Promise<string[]> {
    const items = await this.storage.read([INDEX_KEY]);
    return ((items[INDEX_KEY] as { ids?: string[] } | undefined)?.ids ?? []).slice();
  }

  private async updateIndex(change: (ids: string[]) => string[]): Promise<void> {
    for (let i = 0; i < 50; i++) {
      if (i > 0) await jitter(i);
      const items = await this.storage.read([INDEX_KEY]);
      const stored = items[INDEX_KEY] as { ids?: string[]; eTag?: string } | undefined;
      const ids = change(stored?.ids ?? []);
      try {
        await this.storage.write({ [INDEX_KEY]: { ids, eTag: stored?.eTag ?? '*' } });
        return;
      } catch (err) {
        if (!isConflict(err)) throw err;
      }
    }
  }
}

function key(requestId: string): string {
  return `tracked/${encodeURIComponent(requestId)}`;
}
