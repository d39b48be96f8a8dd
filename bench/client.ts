/**
 * Teams activities for the phases wrk does not drive (Graph calls per operation, approval delivery, live
 * conversations): the same JSON turns.lua builds, posted with fetch from the runner. These phases are
 * not throughput measurements, so a Node client is fine there.
 */
import { userId } from './fixtures';

export interface ClientContext {
  botUrl: string;
  serviceUrl: string;
  tenantId: string;
  /** Conversation id prefix: a new run starts new conversations. */
  run: string;
}

let sequence = 0;

export interface BenchUser {
  id: string;
  name: string;
}

export function benchUser(index: number): BenchUser {
  return { id: userId(index), name: `Bench User ${index}` };
}

function base(ctx: ClientContext, user: BenchUser): Record<string, unknown> {
  return {
    id: `${ctx.run}-client-${++sequence}`,
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl: ctx.serviceUrl,
    from: { id: `29:${user.id}`, aadObjectId: user.id, name: user.name },
    recipient: { id: '28:pim-bot', name: 'PIM Bot' },
    conversation: {
      id: `a:${ctx.run}-${user.id}`,
      conversationType: 'personal',
      tenantId: ctx.tenantId,
      isGroup: false,
    },
    channelData: { tenant: { id: ctx.tenantId } },
    localTimezone: 'Europe/Berlin',
    locale: 'en-GB',
  };
}

async function post(ctx: ClientContext, activity: Record<string, unknown>): Promise<{ status: number; body: string }> {
  const res = await fetch(`${ctx.botUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(activity),
  });
  return { status: res.status, body: await res.text() };
}

async function expectOk(
  what: string,
  result: Promise<{ status: number; body: string }>,
): Promise<{ status: number; body: string }> {
  const r = await result;
  if (r.status !== 200) throw new Error(`${what}: HTTP ${r.status} ${r.body.slice(0, 300)}`);
  return r;
}

export function say(ctx: ClientContext, user: BenchUser, text: string) {
  return expectOk(`"${text}"`, post(ctx, { ...base(ctx, user), type: 'message', text }));
}

export function submit(ctx: ClientContext, user: BenchUser, value: Record<string, unknown>) {
  return expectOk('submit', post(ctx, { ...base(ctx, user), type: 'message', value }));
}

export function invoke(ctx: ClientContext, user: BenchUser, verb: string, data: Record<string, unknown>) {
  return expectOk(
    `invoke ${verb}`,
    post(ctx, {
      ...base(ctx, user),
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
    }),
  );
}

/** Runs `work` for each item with at most `concurrency` in flight. */
export async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const runners = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  });
  await Promise.all(runners);
}
