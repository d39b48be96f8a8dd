import type { PimClient } from '../pim/pim-client';
import type {
  ActivationInput,
  ActivationPolicy,
  ActiveAssignment,
  Eligibility,
  PimTarget,
  PimTargetRef,
  ScheduleRequest,
} from '../pim/pim-types';
import { TtlCache } from '../shared/ttl-cache';
import { targetKey } from './target-key';

export interface ActivationServiceOptions {
  /** PIM policies change rarely and are the same for everyone: default 5 minutes. */
  policyTtlMs?: number;
  /** A user's eligibility: default 60 seconds, and dropped after each activation or deactivation. */
  eligibilityTtlMs?: number;
  now?: () => number;
}

/**
 * Activation use cases over a user's PimClient, with the caching that keeps a chat turn to the Graph
 * calls that matter: policies shared across users, eligibility per user, both with a bounded TTL.
 */
export class ActivationService {
  private readonly policies: TtlCache<ActivationPolicy>;
  private readonly eligibility: TtlCache<Eligibility[]>;

  constructor(options: ActivationServiceOptions = {}) {
    this.policies = new TtlCache(options.policyTtlMs ?? 5 * 60_000, 2_000, options.now);
    this.eligibility = new TtlCache(options.eligibilityTtlMs ?? 60_000, 10_000, options.now);
  }

  async eligibleTargets(pim: PimClient, userId: string): Promise<Eligibility[]> {
    return this.eligibility.getOrLoad(userId, () => pim.listEligible());
  }

  async policyFor(pim: PimClient, target: PimTargetRef): Promise<ActivationPolicy> {
    return this.policies.getOrLoad(targetKey(target), () => pim.getActivationPolicy(target));
  }

  async activate(
    pim: PimClient,
    userId: string,
    input: ActivationInput,
    policy?: ActivationPolicy,
  ): Promise<ScheduleRequest> {
    try {
      return await pim.activate(input, policy);
    } finally {
      this.eligibility.delete(userId);
    }
  }

  async deactivate(pim: PimClient, userId: string, target: PimTarget): Promise<ScheduleRequest> {
    try {
      return await pim.deactivate(target);
    } finally {
      this.eligibility.delete(userId);
    }
  }

  async active(pim: PimClient): Promise<ActiveAssignment[]> {
    return pim.listActive();
  }
}
