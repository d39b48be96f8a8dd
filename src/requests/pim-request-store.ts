import type { PimTargetRef } from '../pim/pim-types';
import { targetKey } from '../pim/target-key';
import { readItem, updateItem, writeItem } from '../store/compare-and-swap';
import { IdIndex } from '../store/id-index';
import type { KeyValueStore } from '../store/key-value-store';
import type { PimRequest } from './pim-request';

/** Enough rounds for dozens of writers on one record (an approver group all clicking at once). */
const UPDATE_ATTEMPTS = 200;

/** Index items several instances may write first at once: create them up front (bot storage initialItems). */
export const REQUEST_INDEX_KEYS = {
  pendingApproval: 'requests/index/pending-approval',
  feedOpen: 'requests/index/feed-open',
} as const;

/**
 * The PIM requests the bot tracks, one item each, on the shared storage. Every change is a compare-and-
 * swap of the whole record, so two instances (or two approvers' clicks) cannot both believe they won.
 * Two indexes follow the records: the requests waiting for a decision, and the announced activations the
 * feed still has work on (their end to notice, or copies to update).
 */
export class PimRequestStore {
  private readonly pending: IdIndex;
  private readonly feedOpen: IdIndex;

  constructor(
    private readonly storage: KeyValueStore,
    /** Told when an index could not follow a change (the change itself was made). */
    private readonly onIndexError: (err: unknown, id: string) => void = () => undefined,
  ) {
    this.pending = new IdIndex(storage, REQUEST_INDEX_KEYS.pendingApproval);
    this.feedOpen = new IdIndex(storage, REQUEST_INDEX_KEYS.feedOpen);
  }

  get(id: string): Promise<PimRequest | undefined> {
    return readItem<PimRequest>(this.storage, key(id));
  }

  /**
   * Saves a new record (the bot just submitted it, or the watcher first saw it). A record already there is
   * one the watcher made for this request before the bot recorded it (Graph listed it first): it becomes
   * the bot's, keeping the feed copies already posted.
   */
  async create(request: PimRequest): Promise<void> {
    if (!(await this.get(request.id))) {
      await writeItem(this.storage, key(request.id), request);
      await this.reindex(undefined, request);
      return;
    }
    await this.update(request.id, (current) => ({
      ...request,
      feed: current.feed ?? request.feed,
      steps: { ...current.steps, ...request.steps },
    }));
  }

  /**
   * Read-modify-write with compare-and-swap. `change` returns the new record, or undefined to leave it;
   * it runs again on the fresh record when another writer got there first. With `init`, an absent
   * record is created first. Returns the record as written (or as it is), undefined when there is none.
   */
  async update(
    id: string,
    change: (current: PimRequest) => PimRequest | undefined,
    init?: PimRequest,
  ): Promise<{ value: PimRequest; changed: boolean } | undefined> {
    // The storage contract has no create-if-absent: a new record is written unconditionally, then changed
    // with an eTag. Only a create delayed past another instance's whole create-read-change could undo
    // that change; the watcher runs on one instance and the bot creates only its own requests.
    if (init && !(await this.get(id))) await this.create(init);
    let before: PimRequest | undefined;
    const result = await updateItem<PimRequest>(
      this.storage,
      key(id),
      (current) => {
        before = structuredClone(current);
        return change(current);
      },
      // Every click on every copy of a card may race on one record: each round of a race has one winner.
      { attempts: UPDATE_ATTEMPTS },
    );
    if (result?.changed) await this.reindex(before, result.value);
    return result;
  }

  /** Requests still waiting for an approver (for reminders, escalation, expiry and start-up). */
  async pendingApproval(): Promise<PimRequest[]> {
    const found = await Promise.all((await this.pending.ids()).map((id) => this.get(id)));
    return found.filter((r): r is PimRequest => r?.status === 'pendingApproval');
  }

  /** Announced activations the feed still has work on; ids without such work are dropped from the index. */
  async withOpenFeed(): Promise<PimRequest[]> {
    const ids = await this.feedOpen.ids();
    const found = await Promise.all(ids.map((id) => this.get(id)));
    const open: PimRequest[] = [];
    for (const [i, request] of found.entries()) {
      if (request && feedNeedsWork(request)) open.push(request);
      else await this.feedOpen.remove(ids[i]!);
    }
    return open;
  }

  /** The user's latest activation of a target that the bot tracks (for "deactivated through the bot"). */
  async latest(userId: string, target: PimTargetRef): Promise<PimRequest | undefined> {
    const id = await readItem<string>(this.storage, latestKey(userId, target));
    return id ? this.get(id) : undefined;
  }

  async setLatest(request: PimRequest): Promise<void> {
    await writeItem(this.storage, latestKey(request.requester.aadObjectId, request.target), request.id);
  }

  /** Forgets the user's latest activation of the target, if it is still this one. */
  async clearLatest(request: PimRequest): Promise<void> {
    const pointer = latestKey(request.requester.aadObjectId, request.target);
    if ((await readItem<string>(this.storage, pointer)) === request.id) await this.storage.delete([pointer]);
  }

  /** Whether a user asked for a target before (the approval card's "first time" hint). */
  async askedBefore(userId: string, target: PimTargetRef): Promise<boolean> {
    return (await readItem<string>(this.storage, historyKey(userId, target))) !== undefined;
  }

  async rememberAsked(userId: string, target: PimTargetRef, at: Date): Promise<void> {
    await writeItem(this.storage, historyKey(userId, target), at.toISOString());
  }

  /** The announced activation is followed by the feed (again, should its index entry have been lost). */
  async followFeed(id: string): Promise<void> {
    await this.feedOpen.add(id).catch((err) => this.onIndexError(err, id));
  }

  /**
   * Keeps the indexes in step with a record just written. Best effort: the record is the truth, and a
   * busy index (many writers at once) must not fail the change that was made; the feed index is re-added
   * by every announce, and the pending one is read back through the records' own status.
   */
  private async reindex(before: PimRequest | undefined, after: PimRequest): Promise<void> {
    await this.moveIndexes(before, after).catch((err) => this.onIndexError(err, after.id));
  }

  private async moveIndexes(before: PimRequest | undefined, after: PimRequest): Promise<void> {
    const wasPending = before?.status === 'pendingApproval';
    const isPending = after.status === 'pendingApproval';
    if (isPending && !wasPending) await this.pending.add(after.id);
    if (!isPending && wasPending) await this.pending.remove(after.id);
    const wasOpen = before !== undefined && feedNeedsWork(before);
    const isOpen = feedNeedsWork(after);
    if (isOpen && !wasOpen) await this.feedOpen.add(after.id);
    if (!isOpen && wasOpen) await this.feedOpen.remove(after.id);
  }
}

/** The feed follows an announced activation until it ended and every copy shows that. */
export function feedNeedsWork(request: PimRequest): boolean {
  if (!request.feed) return false;
  if (request.status === 'active') return true;
  const end = request.status === 'expired' || request.status === 'deactivated' ? request.status : undefined;
  return end !== undefined && request.feed.copies.some((c) => c.shows !== end);
}

function key(id: string): string {
  return `requests/${encodeURIComponent(id)}`;
}

function latestKey(userId: string, target: PimTargetRef): string {
  return `requests/latest/${encodeURIComponent(userId.toLowerCase())}/${encodeURIComponent(targetKey(target))}`;
}

/** Per user and role (any scope) or group and access: "first time" means this role, wherever it applies. */
function historyKey(userId: string, target: PimTargetRef): string {
  const what = target.kind === 'role' ? target.roleDefinitionId : `${target.groupId}:${target.accessId}`;
  return `history/${encodeURIComponent(userId.toLowerCase())}/${encodeURIComponent(what.toLowerCase())}`;
}
