/**
 * What hostile input costs, against the floor. The speed goals of the abuse tests (test/abuse) live here as
 * ratios to an echo turn measured in the same run, never as wall-clock windows in a test. Everything is
 * sequential, with the runner's Node client, right after an echo-turn floor taken the same way:
 * - long inputs (a 60k-character command, a 60k-character answer to the duration prompt, a 2 KB
 *   "activate me me me …"): each turn against the same turn with a short input. Typed text is capped before any
 *   reader or pattern runs (MESSAGE_TEXT_MAX, TICKET_MAX); uncapped, these turns took 1.5–10 s.
 * - the ticket patterns on 60k characters, in this process: the default TICKET_PATTERN (linear) and the command
 *   parser with the old quadratic pattern configured (the cap keeps the pattern to TICKET_MAX characters).
 * - Graph storms on the activation's POST: a Retry-After past the 30 s retry budget gives up at once (against a
 *   normal confirm turn); a Retry-After of 1 s is waited out, and not much more.
 */
import { parseCommand } from '../src/commands/command-parser';
import { DEFAULT_TICKET_PATTERN } from '../src/config';
import { type BenchUser, benchUser, type ClientContext, say, submit } from './client';
import { ROLES, roleKey } from './fixtures';
import type { Worker } from './ipc';
import type { StackInfo } from './stack';
import type { Target } from './target';

const K60 = 60_000;
/** The old default TICKET_PATTERN, which an operator may still configure: quadratic in its input. */
const QUADRATIC_PATTERN = /^[A-Za-z][A-Za-z0-9]*-?\d+$/;
/** A ticket-shaped run of digits that fails at the very end: those patterns' worst case. */
const longTicket = (n: number) => `A${'1'.repeat(n - 2)}x`;
const REPS = 5;
/** Users this phase needs from its base: long inputs, then the storm's one activation each. */
export const HOSTILE_USERS = 3 + 3 * REPS;

export interface InputCost {
  name: string;
  /** p50 of the turn with the long input, and of the same turn with a short one. */
  longMs: number;
  shortMs: number;
}

export interface HostileInputCosts {
  /** p50 of sequential echo turns, same client: the unit of every target below. */
  echoTurnMs: number;
  inputs: InputCost[];
  patterns: Array<{ name: string; ms: number }>;
  storm: {
    /** p50 of normal confirm turns (the activation's POST answered 201 at once). */
    confirmMs: number;
    /** p50 of confirm turns under a 429 storm with Retry-After 45 s, and the Graph calls each made. */
    giveUpMs: number;
    giveUpCalls: number[];
    /** The POSTs' statuses under 429 then 503 with Retry-After 1 s each, and the waits between them. */
    retryStatuses: number[];
    retryWaitsMs: number[];
  };
}

const p50 = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const round1 = (n: number) => Math.round(n * 10) / 10;

async function timed(work: () => unknown): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/** `ctx()` gives a new context (new conversations) each call; users `base`..`base + HOSTILE_USERS` are eligible. */
export async function hostileInputCosts(options: {
  echo: ClientContext;
  ctx: () => ClientContext;
  stack: Worker<StackInfo>;
  base: number;
}): Promise<HostileInputCosts> {
  const { echo, ctx, stack } = options;
  const user = (i: number): BenchUser => benchUser(options.base + i);
  const role = ROLES.noApproval.name;
  const floorUser = benchUser(0);
  for (let i = 0; i < 10; i++) await say(echo, floorUser, 'help');
  const echoTurns: number[] = [];
  for (let i = 0; i < 50; i++) echoTurns.push(await timed(() => say(echo, floorUser, 'help')));

  // Each pair once unmeasured first (caches warm for both), then REPS of each, alternating. Each resolves with
  // the milliseconds of the turn that carries the input.
  const pair = async (name: string, long: () => Promise<number>, short: () => Promise<number>) => {
    await short();
    await long();
    const longs: number[] = [];
    const shorts: number[] = [];
    for (let i = 0; i < REPS; i++) {
      shorts.push(await short());
      longs.push(await long());
    }
    return { name, longMs: round1(p50(longs)), shortMs: round1(p50(shorts)) };
  };
  const command = (u: BenchUser, text: string) => timed(() => say(ctx(), u, text));
  const answer = async (u: BenchUser, text: string) => {
    const c = ctx();
    await say(c, u, `activate ${role}`);
    return timed(() => say(c, u, text));
  };
  const inputs = [
    await pair(
      'a one-line command of 60k characters',
      () => command(user(0), `activate ${role} 1h ${longTicket(K60)}`),
      () => command(user(0), `activate ${role} 1h INC-42 fix it`),
    ),
    // The duration reader's worst case is punctuation (~10 s on 60k characters before the cap).
    await pair(
      'a 60k-character answer to the duration prompt',
      () => answer(user(1), `${'!'.repeat(K60)}a`),
      () => answer(user(1), '!!!!a'),
    ),
    // Before the parser fix, a 2 KB "activate me me me …" held the event loop ~10 s.
    await pair(
      'a 2 KB "activate me me me …"',
      () => command(user(2), `activate ${'me '.repeat(680)}`),
      () => command(user(2), 'activate me'),
    ),
  ];

  const patternMs = (work: () => unknown) => {
    const runs: number[] = [];
    for (let i = 0; i < REPS; i++) {
      const started = performance.now();
      work();
      runs.push(performance.now() - started);
    }
    return round1(p50(runs));
  };
  const defaultPattern = new RegExp(DEFAULT_TICKET_PATTERN);
  const patterns = [
    {
      name: 'the default TICKET_PATTERN on a 60k-character ticket',
      ms: patternMs(() => defaultPattern.test(longTicket(K60))),
    },
    {
      name: 'a 60k-character command parsed with the old quadratic TICKET_PATTERN configured',
      ms: patternMs(() =>
        parseCommand(`activate ${role} 2h ${longTicket(1_500)} ticket: ${longTicket(K60)} fix it`, {
          targetNames: [role],
          ticketPattern: QUADRATIC_PATTERN,
        }),
      ),
    },
  ];

  // Graph storms: each activation by a user of its own (a role active already cannot be activated again).
  let next = 3;
  const confirmTurn = async (fault?: () => Promise<void>) => {
    const u = user(next++);
    const c = ctx();
    await say(c, u, `activate ${role} 1h`);
    await stack.call('resetCalls');
    await fault?.();
    const ms = await timed(() => submit(c, u, { pimbot: 'confirm', key: roleKey(ROLES.noApproval.id) }));
    const calls = await stack.call<Array<{ method: string; status: number; time: string }>>('calls');
    await stack.call('clearFaults');
    return { ms, calls };
  };
  const confirms: number[] = [];
  for (let i = 0; i < REPS; i++) confirms.push((await confirmTurn()).ms);
  const giveUps: number[] = [];
  const giveUpCalls: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const r = await confirmTurn(async () => {
      await stack.call('injectFault', { kind: 'status', status: 429, count: 50, retryAfterSeconds: 45 });
    });
    giveUps.push(r.ms);
    giveUpCalls.push(r.calls.length);
  }
  const retried = await confirmTurn(async () => {
    await stack.call('injectFault', { kind: 'status', status: 429, count: 1, retryAfterSeconds: 1 });
    await stack.call('injectFault', { kind: 'status', status: 503, count: 1, retryAfterSeconds: 1 });
  });
  const posts = retried.calls.filter((c) => c.method === 'POST');
  return {
    echoTurnMs: round1(p50(echoTurns)),
    inputs,
    patterns,
    storm: {
      confirmMs: round1(p50(confirms)),
      giveUpMs: round1(p50(giveUps)),
      giveUpCalls,
      retryStatuses: posts.map((c) => c.status),
      retryWaitsMs: posts.slice(1).map((c, i) => Date.parse(c.time) - Date.parse(posts[i]!.time)),
    },
  };
}

/** Long inputs may cost this many echo turns more than the same turn with a short input. */
const INPUT_ECHO_TURNS = 20;
/** A Retry-After may be overshot by this many echo turns (the next POST's own round trip included). */
const WAIT_ECHO_TURNS = 50;

/** Targets keep their `why` only when missed (the report prints it under the target). */
const judged = (t: Target): Target => (t.pass ? { ...t, why: undefined } : t);

export function hostileInputTargets(h: HostileInputCosts): Target[] {
  const echo = h.echoTurnMs;
  const x = (ms: number) => `${round1(ms / echo)} echo turns`;
  const targets: Target[] = h.inputs.map((i) => ({
    name: `${i.name}: ≤ ${INPUT_ECHO_TURNS} echo turns more than the same turn with a short input`,
    measured: `${i.longMs} ms vs ${i.shortMs} ms short (+${x(i.longMs - i.shortMs)}; echo turn ${echo} ms)`,
    target: `≤ +${INPUT_ECHO_TURNS} echo turns`,
    pass: i.longMs - i.shortMs <= INPUT_ECHO_TURNS * echo,
    why:
      'Typed input is capped before any reader or pattern runs (MESSAGE_TEXT_MAX, TICKET_MAX): a miss is a reader ' +
      'still slow on the capped text (the command parser tries readings per word: `npx tsx bench/profile.ts` shows where).',
  }));
  for (const p of h.patterns) {
    targets.push({
      name: `${p.name}: ≤ 1 echo turn`,
      measured: `${p.ms} ms (${x(p.ms)})`,
      target: '≤ 1 echo turn',
      pass: p.ms <= echo,
      why: 'A pattern with overlapping repeats costs quadratic time in its input; the default must stay linear and no configured pattern may see more than TICKET_MAX characters.',
    });
  }
  const s = h.storm;
  targets.push({
    name: `a 429 storm past the retry budget: the confirm turn gives up at once (1 Graph call, ≤ a normal confirm + ${INPUT_ECHO_TURNS} echo turns)`,
    measured: `${s.giveUpMs} ms vs ${s.confirmMs} ms normal (+${x(s.giveUpMs - s.confirmMs)}); Graph calls per turn ${s.giveUpCalls.join(', ')}`,
    target: `1 call, ≤ +${INPUT_ECHO_TURNS} echo turns`,
    pass: s.giveUpCalls.every((n) => n === 1) && s.giveUpMs - s.confirmMs <= INPUT_ECHO_TURNS * echo,
    why: 'Waiting out a Retry-After longer than the 30 s budget cannot succeed: the bot must answer "try again" at once.',
  });
  const over = s.retryWaitsMs.map((ms) => ms - 1_000);
  targets.push({
    name: `Retry-After 1 s (429, then 503): each waited out, overshot by ≤ ${WAIT_ECHO_TURNS} echo turns`,
    measured: `POSTs ${s.retryStatuses.join(', ')}; waits ${s.retryWaitsMs.join(', ')} ms (over by ${over.map(x).join(', ')})`,
    target: `≥ 1000 ms and ≤ +${WAIT_ECHO_TURNS} echo turns each`,
    pass: s.retryStatuses.join() === '429,503,201' && over.every((ms) => ms >= -10 && ms <= WAIT_ECHO_TURNS * echo),
    why: 'The retry policy must wait what Graph asked (Retry-After), not its own backoff on top.',
  });
  return targets.map(judged);
}
