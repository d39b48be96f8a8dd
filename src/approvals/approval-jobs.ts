/** The approval's queued jobs, by type (the job id is the request id; the reconciliation, one chain for all, has its own). */
export const APPROVAL_JOBS = {
  deliver: 'approval.deliver',
  remind: 'approval.remind',
  escalate: 'approval.escalate',
  expire: 'approval.expire',
  follow: 'approval.follow',
  reconcile: 'approval.reconcile',
} as const;
