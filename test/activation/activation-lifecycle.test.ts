import { type Activity, MemoryStorage } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../simulators/clock';
import { ActivationLifecycle } from '../../src/activation/activation-lifecycle';
import type { Messenger, Notice, PostedMessage } from '../../src/notifications/messenger';
import { createLogger } from '../../src/observability/logger';
import type { PimTarget } from '../../src/pim/pim-types';
import { MemoryScheduler } from '../../src/scheduler/memory-scheduler';
import { newRequest } from '../../src/requests/pim-request';
import { PimRequestStore } from '../../src/requests/pim-request-store';
import { noticeActivity } from '../../src/teams/notice-activity';
import { visibleText } from '../support/bot-harness';

/**
 * The end of an activation against small in-memory fakes: a messenger that records what it sends and
 * updates, and a reader whose answer ("active until", or gone) each test sets, as Graph would report it.
 */

const target: PimTarget = {
  kind: 'role',
  roleDefinitionId: '29232cdf-9323-42fd-ade2-1d097af3e4de',
  directoryScopeId: '/',
  displayName: 'Exchange Administrator',
};
const USER = '6e7b768e-07e2-4810-8459-485f84f8f204';

function setup(warningMinutes = 10) {
  const clock = new ManualClock(new Date('2026-11-22T09:00:00Z'));
  const logger = createLogger('silent');
  const jobs = new MemoryScheduler({ logger, now: () => clock.now() });
  const sent: Partial<Activity>[] = [];
  const updated: Array<{ activityId: string; activity: Partial<Activity> }> = [];
  const connector = { sendFailures: 0, updateStatus: 0 };
  // What Teams would show: each notice rendered as the Teams adapter renders it.
  const render = (notice: Notice) => noticeActivity(notice, { now: clock.now() });
  const messenger: Messenger = {
    async send(conversation, notice) {
      if (connector.sendFailures > 0) {
        connector.sendFailures--;
        throw Object.assign(new Error('Bot Connector answered 502'), { statusCode: 502 });
      }
      sent.push(render(notice));
      return { conversation, activityId: `sent-${sent.length}` };
    },
    sendToPerson: () => Promise.reject(new Error('not used')),
    postToChannel: () => Promise.reject(new Error('not used')),
    async update(message: PostedMessage, notice) {
      if (connector.updateStatus) throw Object.assign(new Error('gone'), { statusCode: connector.updateStatus });
      updated.push({ activityId: message.activityId, activity: render(notice) });
    },
    teamsUserId: async () => undefined,
  };
  const graph = { until: undefined as Date | null | undefined, failure: undefined as string | undefined };
  const feedEnds: Array<{ key: string; state: string }> = [];
  const feed = { failures: 0 };
  const records = new PimRequestStore(new MemoryStorage());
  const lifecycle = new ActivationLifecycle({
    requests: records,
    scheduler: jobs,
    messenger,
    reader: {
      async activeUntil() {
        if (graph.failure) throw new Error(graph.failure);
        return graph.until;
      },
    },
    feed: {
      ended: async (key, state) => {
        if (feed.failures > 0) {
          feed.failures--;
          throw new Error('channel post failed');
        }
        feedEnds.push({ key, state });
      },
    },
    logger,
    warningMinutes,
    now: () => clock.now(),
  });
  jobs.start(lifecycle.jobHandlers());
  const start = clock.now();
  const end = new Date(start.getTime() + 2 * 3_600_000);
  const track = async () => {
    const request = newRequest({
      id: 'req-1',
      requester: { aadObjectId: USER, name: 'Adele Vance' },
      target,
      durationMinutes: 120,
      requestedAt: start.toISOString(),
      status: 'active',
      activeFrom: start.toISOString(),
      activeUntil: end.toISOString(),
      chat: {
        conversation: { conversation: { id: 'a:adele', isGroup: false, conversationType: 'personal', name: '' } },
        statusMessageId: 'status-1',
        timeZone: 'Europe/Berlin',
      },
    });
    await records.create(request);
    await lifecycle.track(request);
  };
  graph.until = end;
  return { clock, jobs, sent, updated, graph, feedEnds, lifecycle, end, track, connector, feed, records };
}

describe('ActivationLifecycle', () => {
  it('deactivated outside the bot (portal) before the warning: no warning, the card says Deactivated', async () => {
    const t = setup();
    await t.track();
    t.graph.until = undefined; // gone from Graph
    t.clock.set(new Date(t.end.getTime() - 10 * 60_000));
    await t.jobs.runDue();
    expect(t.sent).toEqual([]);
    expect(t.updated.map((u) => u.activityId)).toEqual(['status-1']);
    expect(visibleText(t.updated[0]!.activity)).toMatch(/Deactivated/);
    expect(t.feedEnds).toEqual([{ key: 'req-1', state: 'deactivated' }]);
    // The end job then finds it already ended: the same card again at most, never Expired.
    t.clock.set(new Date(t.end.getTime() + 1_000));
    await t.jobs.runDue();
    expect(t.updated.every((u) => /Deactivated/.test(visibleText(u.activity)))).toBe(true);
    expect(t.sent).toEqual([]);
  });

  it('an end moved later (extended by an administrator) moves the warning and the end with it', async () => {
    const t = setup();
    await t.track();
    const later = new Date(t.end.getTime() + 3_600_000);
    t.graph.until = later;
    t.clock.set(new Date(t.end.getTime() - 10 * 60_000));
    await t.jobs.runDue();
    expect(t.sent).toEqual([]);
    expect(t.jobs.scheduled()).toEqual([
      // The old end job is still queued; it finds the record moved on and does nothing.
      { type: 'activation.end', id: 'req-1', dueAt: t.end },
      { type: 'activation.warn', id: 'req-1', dueAt: new Date(later.getTime() - 10 * 60_000) },
      { type: 'activation.end', id: 'req-1', dueAt: later },
    ]);
    t.clock.set(new Date(t.end.getTime() + 1_000));
    await t.jobs.runDue();
    expect(t.updated).toEqual([]);
    t.clock.set(new Date(later.getTime() - 10 * 60_000));
    await t.jobs.runDue();
    expect(t.sent.map(visibleText)).toEqual([expect.stringMatching(/Ends in 10 minutes/)]);
    t.clock.set(new Date(later.getTime() + 1_000));
    t.graph.until = undefined;
    await t.jobs.runDue();
    expect(visibleText(t.updated.at(-1)?.activity)).toMatch(/Expired/);
    expect(t.feedEnds).toEqual([{ key: 'req-1', state: 'expired' }]);
  });

  it('an end Graph reports a few seconds off the computed one is the same end: warned once, not lost', async () => {
    for (const offsetMs of [-1_000, 1_000, 30_000]) {
      const t = setup();
      await t.track();
      t.graph.until = new Date(t.end.getTime() + offsetMs);
      t.clock.set(new Date(t.end.getTime() - 10 * 60_000 + 5_000)); // the job runs 5 s late
      await t.jobs.runDue();
      expect(t.sent.map(visibleText), `offset ${offsetMs} ms`).toEqual([expect.stringMatching(/Ends in 10 minutes/)]);
    }
  });

  it('at the end the warning card becomes the final card too, and the record is finished', async () => {
    const t = setup();
    await t.track();
    t.clock.set(new Date(t.end.getTime() - 10 * 60_000));
    await t.jobs.runDue();
    t.graph.until = undefined;
    t.clock.set(new Date(t.end.getTime() + 1_000));
    await t.jobs.runDue();
    expect(t.updated.map((u) => u.activityId).sort()).toEqual(['sent-1', 'status-1']);
    expect(t.updated.every((u) => /Expired/.test(visibleText(u.activity)))).toBe(true);
    expect((await t.records.get('req-1'))?.steps.ended?.doneAt).toBeDefined();
    expect(await t.records.latest(USER, target)).toBeUndefined();
  });

  it('a feed card that could not be updated is retried, and the status card is not held back by it', async () => {
    const t = setup();
    await t.track();
    t.feed.failures = 1;
    t.graph.until = undefined;
    t.clock.set(new Date(t.end.getTime() + 1_000));
    await t.jobs.runDue();
    expect(visibleText(t.updated.at(-1)?.activity)).toMatch(/Expired/);
    expect(t.feedEnds).toEqual([]);
    expect((await t.records.get('req-1'))?.steps.ended).toBeUndefined(); // followed until every card is done
    t.clock.advance(30_000);
    await t.jobs.runDue();
    expect(t.feedEnds).toEqual([{ key: 'req-1', state: 'expired' }]);
    expect((await t.records.get('req-1'))?.steps.ended?.doneAt).toBeDefined();
  });

  it('a warning claimed by an instance that then died is sent by a later run once the claim lapses', async () => {
    const t = setup();
    await t.track();
    const warnAt = new Date(t.end.getTime() - 10 * 60_000);
    t.clock.set(warnAt);
    // Another instance claimed it and stopped before sending.
    await t.records.update('req-1', (r) => ({
      ...r,
      steps: { ...r.steps, warn: { for: t.end.toISOString(), claimedAt: warnAt.toISOString() } },
    }));
    await t.jobs.runDue();
    expect(t.sent).toEqual([]); // the claim still holds: the job fails and comes back
    t.clock.advance(30_000);
    await t.jobs.runDue();
    expect(t.sent).toEqual([]);
    t.clock.advance(31_000);
    await t.jobs.runDue();
    expect(t.sent.map(visibleText)).toEqual([expect.stringMatching(/Ends in 9 minutes/)]);
    expect(t.jobs.deadLetters).toEqual([]);
  });

  it('a card that is gone (404) does not keep the end job failing: the rest is done and the record finished', async () => {
    const t = setup();
    await t.track();
    t.connector.updateStatus = 404;
    t.graph.until = undefined;
    t.clock.set(new Date(t.end.getTime() + 1_000));
    await t.jobs.runDue();
    expect(t.feedEnds).toEqual([{ key: 'req-1', state: 'expired' }]);
    expect((await t.records.get('req-1'))?.steps.ended?.doneAt).toBeDefined();
    expect(t.jobs.scheduled()).toEqual([]);
  });

  it('EXPIRY_WARNING_MINUTES=0: no warning job, only the end', async () => {
    const t = setup(0);
    await t.track();
    expect(t.jobs.scheduled().map((j) => j.type)).toEqual(['activation.end']);
  });

  it('an activation shorter than the warning time is not warned (it would be warned before it began)', async () => {
    const t = setup(180);
    await t.track();
    expect(t.jobs.scheduled().map((j) => j.type)).toEqual(['activation.end']);
  });

  it('a warning the connector did not take is sent by the retry, once', async () => {
    const t = setup();
    await t.track();
    t.connector.sendFailures = 1;
    t.clock.set(new Date(t.end.getTime() - 10 * 60_000));
    await t.jobs.runDue();
    expect(t.sent).toEqual([]);
    t.clock.advance(30_000);
    await t.jobs.runDue();
    expect(t.sent.map(visibleText)).toEqual([expect.stringMatching(/Ends in 10 minutes/)]);
    t.clock.advance(30_000);
    await t.jobs.runDue();
    expect(t.sent).toHaveLength(1);
  });

  it('a Graph failure fails the job: it is retried later and warns once, nothing claimed meanwhile', async () => {
    const t = setup();
    await t.track();
    t.graph.failure = 'Graph answered 503';
    t.clock.set(new Date(t.end.getTime() - 10 * 60_000));
    await t.jobs.runDue();
    expect(t.sent).toEqual([]);
    t.graph.failure = undefined;
    t.clock.advance(30_000); // the scheduler's retry delay
    await t.jobs.runDue();
    expect(t.sent.map(visibleText)).toEqual([expect.stringMatching(/Ends in 10 minutes/)]);
    t.clock.advance(30_000);
    await t.jobs.runDue();
    expect(t.sent).toHaveLength(1);
    expect(t.jobs.deadLetters).toEqual([]);
  });

  it("an end the watcher saw (deactivated in the portal): the requester's card says so at once, no warning follows", async () => {
    const t = setup();
    await t.track();
    t.graph.until = undefined;
    const at = new Date(t.end.getTime() - 60 * 60_000);
    t.clock.set(at);
    await t.lifecycle.ended('req-1', 'deactivated', at);
    expect(t.updated.map((u) => u.activityId)).toEqual(['status-1']);
    expect(visibleText(t.updated[0]!.activity)).toMatch(/Deactivated/);
    expect(t.feedEnds).toEqual([{ key: 'req-1', state: 'deactivated' }]);
    // The same end seen again (the next tick) changes nothing; the warning and end jobs find it ended.
    await t.lifecycle.ended('req-1', 'expired', t.end);
    t.clock.set(new Date(t.end.getTime() + 1_000));
    await t.jobs.runDue();
    expect(t.sent).toEqual([]);
    expect(t.updated.every((u) => /Deactivated/.test(visibleText(u.activity)))).toBe(true);
    expect((await t.records.get('req-1'))?.status).toBe('deactivated');
  });
});
