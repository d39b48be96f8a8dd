import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The Bot Connector stand-in for the bench: answers the v3 REST calls a bot makes to its serviceUrl
 * (send, reply, update, delete, create conversation) like test/support/capture-connector.ts does, but
 * keeps counters instead of every body, so hundreds of thousands of replies cost no memory. While
 * `watchApprovals` is on it notes when each approval card (an Action.Execute with verb "approve")
 * arrived, by the request id in the card.
 */

export interface ApprovalCardSeen {
  requestId: string;
  conversationId: string;
  /** Date.now() once the request body had been read (as capture-connector's receivedAt). */
  receivedAt: number;
}

export interface ConnectorCounts {
  calls: number;
  byOperation: Record<string, number>;
  /** Bodies with onTurnError's apology: an unhandled error in a turn. */
  turnErrors: number;
  /** Bodies telling the user the bot could not get their token. */
  signInFailures: number;
  /** Status cards that ended 'failed' (PIM refused, or an unexpected status). */
  failedStatus: number;
  /** Status cards that say the role is active. */
  activeStatus: number;
  /** Status cards waiting for approval. */
  pendingStatus: number;
  /** Confirmation cards (the 'confirm' Action.Submit). */
  confirmCards: number;
  unmatched: number;
}

export interface BenchConnector {
  readonly serviceUrl: string;
  watchApprovals: boolean;
  readonly approvalCards: ApprovalCardSeen[];
  counts(): ConnectorCounts;
  /** Counters and approval cards back to zero. */
  reset(): void;
  /** The last few bodies, for failure reports. */
  lastBodies(): string[];
  close(): Promise<void>;
}

const ACTIVITY_PATH = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?\/?$/;

function emptyCounts(): ConnectorCounts {
  return {
    calls: 0,
    byOperation: {},
    turnErrors: 0,
    signInFailures: 0,
    failedStatus: 0,
    activeStatus: 0,
    pendingStatus: 0,
    confirmCards: 0,
    unmatched: 0,
  };
}

export async function startBenchConnector(): Promise<BenchConnector> {
  let counts = emptyCounts();
  const approvalCards: ApprovalCardSeen[] = [];
  const recent: string[] = [];
  let sequence = 0;

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) reply(res, 500, { error: { code: 'BenchConnectorError', message: String(err) } });
    });
  });

  const connector: BenchConnector = {
    serviceUrl: '',
    watchApprovals: false,
    approvalCards,
    counts: () => counts,
    reset() {
      counts = emptyCounts();
      approvalCards.length = 0;
    },
    lastBodies: () => [...recent],
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const receivedAt = Date.now();
    const raw = Buffer.concat(chunks).toString('utf8');
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://connector').pathname;
    counts.calls++;
    recent.push(`${method} ${path} ${raw.slice(0, 600)}`);
    if (recent.length > 5) recent.shift();
    inspect(raw);

    if (method === 'POST' && (path === '/v3/conversations' || path === '/v3/conversations/')) {
      count('createConversation');
      const id = `bench-conversation-${++sequence}`;
      if (connector.watchApprovals) noteApprovalCard(raw, id, receivedAt);
      reply(res, 201, { id, activityId: `activity-${++sequence}`, serviceUrl: connector.serviceUrl });
      return;
    }
    const match = ACTIVITY_PATH.exec(path);
    if (!match) {
      counts.unmatched++;
      reply(res, 404, { error: { code: 'NotFound', message: `${method} ${path} is not a Bot Connector route` } });
      return;
    }
    const conversationId = decodeURIComponent(match[1]!);
    const activityId = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
    if (method === 'POST') {
      count(activityId === undefined ? 'send' : 'reply');
      if (connector.watchApprovals) noteApprovalCard(raw, conversationId, receivedAt);
      reply(res, 201, { id: `activity-${++sequence}` });
    } else if (method === 'PUT' && activityId) {
      count('update');
      reply(res, 200, { id: activityId });
    } else if (method === 'DELETE' && activityId) {
      count('delete');
      reply(res, 200, undefined);
    } else {
      counts.unmatched++;
      reply(res, 404, { error: { code: 'NotFound', message: `${method} ${path} is not a Bot Connector route` } });
    }
  }

  function count(operation: string): void {
    counts.byOperation[operation] = (counts.byOperation[operation] ?? 0) + 1;
  }

  /** Cheap substring checks on what the user would see. */
  function inspect(raw: string): void {
    if (raw.includes('Sorry, something went wrong')) counts.turnErrors++;
    if (raw.includes('I could not get your sign-in')) counts.signInFailures++;
    if (raw.includes('"pimbot":"confirm"')) counts.confirmCards++;
    if (raw.includes('"Waiting for approval"')) counts.pendingStatus++;
    if (raw.includes('"Active until"')) counts.activeStatus++;
    if (raw.includes('"Activation failed"')) counts.failedStatus++;
  }

  function noteApprovalCard(raw: string, conversationId: string, receivedAt: number): void {
    if (!raw.includes('"verb":"approve"')) return;
    const requestId = findApproveRequestId(JSON.parse(raw) as unknown);
    if (requestId) approvalCards.push({ requestId, conversationId, receivedAt });
  }

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  (connector as { serviceUrl: string }).serviceUrl = `http://127.0.0.1:${port}`;
  return connector;
}

/** The requestId in the data of the card's Action.Execute "approve". */
function findApproveRequestId(node: unknown): string | undefined {
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = findApproveRequestId(item);
      if (found) return found;
    }
    return undefined;
  }
  if (!node || typeof node !== 'object') return undefined;
  const o = node as Record<string, unknown>;
  if (o.verb === 'approve' && o.data && typeof (o.data as { requestId?: unknown }).requestId === 'string') {
    return (o.data as { requestId: string }).requestId;
  }
  for (const value of Object.values(o)) {
    if (typeof value === 'object') {
      const found = findApproveRequestId(value);
      if (found) return found;
    }
  }
  return undefined;
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (body === undefined) {
    res.writeHead(status);
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}
