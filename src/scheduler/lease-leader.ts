import { randomUUID } from 'node:crypto';
import type { BlobLeaseClient, BlockBlobClient, ContainerClient } from '@azure/storage-blob';
import { accountOfOptions, blobServiceClient, type StorageAccountOption } from '../azure/storage-account';
import { azureErrorCode, azureStatus, describeError, type SchedulerLogger } from './support';

/**
 * Leader election on an Azure blob lease: of all bot instances running a LeaseLeader on the same blob,
 * at most one is leader at a time (it runs the periodic sweeps: reminders, escalation, expiry).
 *
 * The leader renews its lease every `renewEveryMs`. If it dies or loses storage, it stops renewing and
 * another instance acquires the lease once it expires, within `leaseSeconds` plus one retry interval.
 * A leader that cannot renew steps down (onLose) before its lease can have expired, so two instances
 * never both believe they lead, even when storage is unreachable. `stop()` releases the lease, so
 * another instance takes over at its next retry instead of after the lease time.
 */

/** The account: `account` (a connection string or endpoints + token credential) or `connectionString`. */
export interface LeaseLeaderOptions extends StorageAccountOption {
  /** Blob container holding the lease blob (created when missing). */
  container: string;
  /** The lease blob, one per election, e.g. "scheduler-leader" (created empty when missing). */
  blobName: string;
  /** Lease duration: 15-60 seconds (Azure's limits); also the longest takeover after a crash. Default 15. */
  leaseSeconds?: number;
  /** How often the leader renews; at most a third of the lease. Default: a third of the lease. */
  renewEveryMs?: number;
  /** How often a follower tries to acquire. Default: renewEveryMs. */
  acquireEveryMs?: number;
  /**
   * Called after each try for the lease, with what storage answered: for monitoring, and for tests that
   * wait for "the next try" instead of sleeping. Changes nothing; a throw is logged and ignored.
   */
  onAttempt?: (attempt: LeaseAttempt) => void;
  logger: SchedulerLogger;
}

/** One try for the lease, as onAttempt sees it. */
export interface LeaseAttempt {
  /** A follower tries to acquire the lease; the leader renews it. */
  kind: 'acquire' | 'renew';
  /**
   * acquired / renewed: storage granted it. taken: another instance holds the lease (LeaseAlreadyPresent).
   * lost: storage refused the renewal (the lease was broken, or is someone else's). failed: no answer,
   * or another error (storage unreachable or slow).
   */
  outcome: 'acquired' | 'renewed' | 'taken' | 'lost' | 'failed';
}

export class LeaseLeader {
  /** This instance's lease id (a random UUID). */
  readonly instanceId = randomUUID();
  private readonly container: ContainerClient;
  private readonly blob: BlockBlobClient;
  private readonly lease: BlobLeaseClient;
  private readonly leaseMs: number;
  private readonly renewEveryMs: number;
  private readonly acquireEveryMs: number;
  private readonly logger: SchedulerLogger;
  private readonly blobName: string;
  private readonly onAttempt: ((attempt: LeaseAttempt) => void) | undefined;
  private leader = false;
  private started = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private stepDownTimer: NodeJS.Timeout | undefined;
  private tick: Promise<void> | undefined;
  private blobReady = false;
  /** Cancels a renewal in flight when stop() comes: the lease is released right after anyway. */
  private readonly renewals = new AbortController();
  private onLead: () => void = () => {};
  private onLose: () => void = () => {};

  constructor(options: LeaseLeaderOptions) {
    const leaseSeconds = options.leaseSeconds ?? 15;
    if (!Number.isInteger(leaseSeconds) || leaseSeconds < 15 || leaseSeconds > 60) {
      throw new RangeError(`LeaseLeader leaseSeconds must be a whole number from 15 to 60 (got ${leaseSeconds}).`);
    }
    this.leaseMs = leaseSeconds * 1000;
    this.renewEveryMs = options.renewEveryMs ?? Math.floor(this.leaseMs / 3);
    if (!Number.isFinite(this.renewEveryMs) || this.renewEveryMs < 100 || this.renewEveryMs > this.leaseMs / 3) {
      throw new RangeError(
        `LeaseLeader renewEveryMs must be from 100 to a third of the lease (${Math.floor(this.leaseMs / 3)} ms), so a missed renewal or two does not lose the lease.`,
      );
    }
    this.acquireEveryMs = options.acquireEveryMs ?? this.renewEveryMs;
    if (!Number.isFinite(this.acquireEveryMs) || this.acquireEveryMs < 100) {
      throw new RangeError('LeaseLeader acquireEveryMs must be at least 100.');
    }
    this.logger = options.logger;
    this.onAttempt = options.onAttempt;
    this.blobName = options.blobName;
    const service = blobServiceClient(accountOfOptions(options, 'LeaseLeader'), {
      // Fail fast: a renewal retried for minutes is worth nothing once the lease has expired.
      retryOptions: {
        maxTries: 2,
        tryTimeoutInMs: Math.max(1_000, this.renewEveryMs),
        retryDelayInMs: Math.min(500, this.renewEveryMs / 4),
        maxRetryDelayInMs: this.renewEveryMs,
      },
    });
    this.container = service.getContainerClient(options.container);
    this.blob = this.container.getBlockBlobClient(options.blobName);
    this.lease = this.blob.getBlobLeaseClient(this.instanceId);
  }

  get isLeader(): boolean {
    return this.leader;
  }

  /** Starts contending. `onLead` runs when this instance becomes leader, `onLose` when it stops being leader. */
  start(onLead: () => void, onLose: () => void): void {
    if (this.started) throw new Error('LeaseLeader is already started.');
    this.started = true;
    this.onLead = onLead;
    this.onLose = onLose;
    this.schedule(0);
  }

  /** Stops contending; the leader releases its lease (and gets onLose) so another instance takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    // An acquisition in flight is awaited (it may have succeeded: then it is released below).
    if (this.leader) this.renewals.abort();
    await this.tick;
    if (!this.leader) return;
    // Step down first: once released, another instance may lead at once.
    this.stepDown('stopped');
    try {
      await this.lease.releaseLease();
      this.logger.info({ blob: this.blobName, instanceId: this.instanceId }, 'Released the leader lease');
    } catch (err) {
      this.logger.warn(
        { blob: this.blobName, err: describeError(err) },
        'Could not release the leader lease; it expires on its own',
      );
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.tick = this.runTick().finally(() => {
        this.tick = undefined;
        this.schedule(this.leader ? this.renewEveryMs : this.acquireEveryMs);
      });
    }, delayMs);
  }

  private async runTick(): Promise<void> {
    const attempt = await this.tryLease();
    if (!attempt || !this.onAttempt) return;
    try {
      this.onAttempt(attempt);
    } catch (err) {
      this.logger.error({ blob: this.blobName, err: describeError(err) }, 'LeaseLeader onAttempt callback threw');
    }
  }

  /** One renewal (leader) or acquisition (follower); what storage answered, or nothing once stopped. */
  private async tryLease(): Promise<LeaseAttempt | undefined> {
    if (this.stopped) return undefined;
    const startedAt = Date.now();
    const kind = this.leader ? 'renew' : 'acquire';
    try {
      if (this.leader) {
        await this.lease.renewLease({ abortSignal: this.renewals.signal });
        // Unless the step-down timer fired meanwhile: then the next tick acquires again (same lease id).
        if (this.leader && !this.stopped) this.renewed(startedAt);
        return { kind, outcome: 'renewed' };
      }
      await this.ensureBlob();
      await this.lease.acquireLease(this.leaseMs / 1000);
      if (this.stopped) {
        await this.lease.releaseLease().catch(() => {});
        return undefined;
      }
      this.renewed(startedAt);
      this.leader = true;
      this.logger.info({ blob: this.blobName, instanceId: this.instanceId }, 'Became leader');
      this.callback(this.onLead, 'onLead');
      return { kind, outcome: 'acquired' };
    } catch (err) {
      if (this.stopped) return undefined;
      const code = azureErrorCode(err);
      // A follower, or a leader whose step-down timer fired while it renewed.
      if (!this.leader) {
        if (code !== 'LeaseAlreadyPresent') {
          this.logger.warn({ blob: this.blobName, err: describeError(err) }, 'Could not try for the leader lease');
          return { kind, outcome: 'failed' };
        }
        return { kind, outcome: 'taken' };
      }
      if (azureStatus(err) === 409 || azureStatus(err) === 412 || azureStatus(err) === 404) {
        // LeaseIdMismatch…, LeaseIsBroken…, LeaseNotPresent…: someone else has (or may take) it now.
        this.stepDown(`lease lost (${code ?? azureStatus(err)})`);
        return { kind, outcome: 'lost' };
      }
      // Storage unreachable or slow: keep leading until the step-down timer says the lease may be gone.
      this.logger.warn({ blob: this.blobName, err: describeError(err) }, 'Could not renew the leader lease');
      return { kind, outcome: 'failed' };
    }
  }

  /**
   * The lease, renewed by a request sent at `sentAt`, lasts at least until sentAt + lease on the
   * server. Step down a little before that unless renewed again: after it, another instance may lead.
   */
  private renewed(sentAt: number): void {
    clearTimeout(this.stepDownTimer);
    const margin = Math.min(2_000, this.leaseMs / 10);
    const validForMs = sentAt + this.leaseMs - margin - Date.now();
    this.stepDownTimer = setTimeout(() => this.stepDown('could not renew the lease in time'), validForMs);
  }

  private stepDown(reason: string): void {
    clearTimeout(this.stepDownTimer);
    if (!this.leader) return;
    this.leader = false;
    const log = { blob: this.blobName, instanceId: this.instanceId, reason };
    if (reason === 'stopped') this.logger.info(log, 'No longer leader');
    else this.logger.warn(log, 'No longer leader');
    this.callback(this.onLose, 'onLose');
  }

  private callback(fn: () => void, name: string): void {
    try {
      fn();
    } catch (err) {
      this.logger.error({ blob: this.blobName, err: describeError(err) }, `LeaseLeader ${name} callback threw`);
    }
  }

  /** The container and an empty lease blob, created once (whoever is first; the others see 409). */
  private async ensureBlob(): Promise<void> {
    if (this.blobReady) return;
    await this.container.createIfNotExists();
    try {
      await this.blob.upload('', 0, { conditions: { ifNoneMatch: '*' } });
    } catch (err) {
      // BlobAlreadyExists (409), or 412 when it exists under someone's lease: both fine.
      if (azureStatus(err) !== 409 && azureStatus(err) !== 412) throw err;
    }
    this.blobReady = true;
  }
}
