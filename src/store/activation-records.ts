import type { ConversationReference, Storage } from 'botbuilder';
import { targetKey } from '../activation/target-key';
import type { PimTarget, PimTargetRef } from '../pim/pim-types';
import { updateItem } from './compare-and-swap';

export type ActivationEndState = 'expired' | 'deactivated';

/**
 * An activation the bot made (or saw approved), remembered until it ends so the requester can be
 * warned before it does and their status card turned Expired when it has. No tokens.
 */
export interface ActivationRecord {
  /** The schedule request id (also the channel feed's key for it). */
  id: string;
  requester: { aadObjectId: string; name: string };
  target: PimTarget;
  startDateTime: string;
  endDateTime: string;
  durationMinutes: number;
  justification?: string;
  ticket?: string;
  /** The requester's Teams client time zone and locale, for the times on their cards. */
  timeZone?: string;
  locale?: string;
  /** The requester's chat with the bot, and their status card in it (updated in place at the end). */
  conversation: Partial<ConversationReference>;
  statusActivityId?: string;
  /** The end an instance claimed the expiry warning for (a lease, from warnClaimedAt), and the end it was sent for. */
  warnedFor?: string;
  warnClaimedAt?: string;
  warnSentFor?: string;
  /** The warning card in the requester's chat, turned into the final card at the end. */
  warningActivityId?: string;
  ended?: { state: ActivationEndState; at: string };
}

/** Activation records on the bot's Storage, every racing write made with eTag compare-and-swap. */
export class ActivationRecordStore {
  constructor(private readonly storage: Storage) {}

  async get(id: string): Promise<ActivationRecord | undefined> {
    const items = await this.storage.read([recordKey(id)]);
    return (items[recordKey(id)] as { value: ActivationRecord } | undefined)?.value;
  }

  /** Saves a new record and points the user's target at it (the latest activation of that target wins). */
  async create(record: ActivationRecord): Promise<void> {
    await this.storage.write({
      [recordKey(record.id)]: { value: record, eTag: '*' },
      [latestKey(record.requester.aadObjectId, record.target)]: { id: record.id, eTag: '*' },
    });
  }

  update(
    id: string,
    change: (current: ActivationRecord) => ActivationRecord | undefined,
  ): Promise<{ value: ActivationRecord; changed: boolean } | undefined> {
    return updateItem(this.storage, recordKey(id), change);
  }

  /** Deletes an ended record, and the user's pointer to it if it still points there. */
  async remove(record: ActivationRecord): Promise<void> {
    const pointer = latestKey(record.requester.aadObjectId, record.target);
    const items = await this.storage.read([pointer]);
    const keys = [recordKey(record.id)];
    if ((items[pointer] as { id?: string } | undefined)?.id === record.id) keys.push(pointer);
    await this.storage.delete(keys);
  }

  /** The user's latest bot-made activation of a target, if the bot knows one. */
  async latest(userId: string, target: PimTargetRef): Promise<ActivationRecord | undefined> {
    const items = await this.storage.read([latestKey(userId, target)]);
    const id = (items[latestKey(userId, target)] as { id?: string } | undefined)?.id;
    return id ? this.get(id) : undefined;
  }
}

function recordKey(id: string): string {
  return `activations/${encodeURIComponent(id)}`;
}

function latestKey(userId: string, target: PimTargetRef): string {
  return `activations/latest/${encodeURIComponent(userId.toLowerCase())}/${encodeURIComponent(targetKey(target))}`;
}
