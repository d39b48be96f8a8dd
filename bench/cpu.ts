import { readFileSync } from 'node:fs';

/**
 * Who used the CPU during a round, from /proc: the measured bot, the simulators, the runner and wrk
 * (the runner's reaped children), and everything else on the machine. A benchmark on a shared machine
 * is only as good as the share of CPU it got; every round reports "other load".
 */

export interface CpuSample {
  at: number;
  busy: number;
  total: number;
  pids: Record<string, number>;
  self: number;
}

export interface CpuShare {
  /** Percent of one core, over the round. */
  byProcess: Record<string, number>;
  /** Runner + wrk, percent of one core. */
  runnerAndWrk: number;
  /** Processes outside this bench, percent of the whole machine. */
  otherLoadPct: number;
  loadAverage: number;
}

function procStat(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  const total = v.slice(0, 8).reduce((s, n) => s + n, 0);
  return { busy: total - idle, total };
}

/** utime + stime (+ reaped children's when `children`) in clock ticks. */
function pidTicks(pid: number | 'self', children = false): number {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17.
    const n = (i: number) => Number(fields[i - 3] ?? 0);
    return n(14) + n(15) + (children ? n(16) + n(17) : 0);
  } catch {
    return 0;
  }
}

export function sampleCpu(pids: Record<string, number>): CpuSample {
  const { busy, total } = procStat();
  const byPid: Record<string, number> = {};
  for (const [name, pid] of Object.entries(pids)) byPid[name] = pidTicks(pid);
  return { at: Date.now(), busy, total, pids: byPid, self: pidTicks('self', true) };
}

export function cpuShare(a: CpuSample, b: CpuSample, cpus: number, loadAverage: number): CpuShare {
  const totalTicks = b.total - a.total;
  const perCore = totalTicks / cpus;
  const byProcess: Record<string, number> = {};
  let mine = 0;
  for (const name of Object.keys(b.pids)) {
    const d = (b.pids[name] ?? 0) - (a.pids[name] ?? 0);
    mine += d;
    byProcess[name] = perCore > 0 ? Math.round((d / perCore) * 100) : 0;
  }
  const self = b.self - a.self;
  mine += self;
  const other = Math.max(0, b.busy - a.busy - mine);
  return {
    byProcess,
    runnerAndWrk: perCore > 0 ? Math.round((self / perCore) * 100) : 0,
    otherLoadPct: totalTicks > 0 ? Math.round((other / totalTicks) * 100) : 0,
    loadAverage: Math.round(loadAverage * 100) / 100,
  };
}
