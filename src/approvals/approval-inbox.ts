import type { DirectoryClient } from '../pim/directory-client';
import type { PimClient } from '../pim/pim-client';
import type { ScheduleRequest } from '../pim/pim-types';
import type { PimRequest } from '../requests/pim-request';
import type { PimRequestStore } from '../requests/pim-request-store';

/** One request waiting for the approver: PIM's own record, and the bot's when it tracks the request. */
export interface InboxEntry {
  request: ScheduleRequest;
  tracked: PimRequest | undefined;
  requesterName: string;
}

/**
 * The approver's inbox ("pending"): requests waiting for their decision, from Graph with their own token,
 * so requests made outside the bot are there too; the bot's record adds names and hints where it has one.
 */
export class ApprovalInbox {
  constructor(
    private readonly requests: PimRequestStore,
    private readonly directory: DirectoryClient,
  ) {}

  async entries(pim: PimClient): Promise<InboxEntry[]> {
    const waiting = await pim.listAwaitingMyApproval();
    return Promise.all(
      waiting.map(async (request) => {
        const tracked = await this.requests.get(request.id);
        const requesterName =
          tracked?.requester.name ??
          (await this.directory
            .getUser(request.principalId)
            .then((u) => u.displayName)
            .catch(() => request.principalId));
        return { request, tracked, requesterName };
      }),
    );
  }
}
