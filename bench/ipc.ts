import { type ChildProcess, fork } from 'node:child_process';
import { getHeapSpaceStatistics } from 'node:v8';

/**
 * Request/response over the Node IPC channel between the bench runner and its child processes (the
 * measured bot, the echo bot, the local Entra + Graph stack). Each child is a separate process so the
 * runner, wrk and the simulators do not share the measured bot's event loop.
 */

type Handler = (args: unknown) => unknown;

interface RequestMessage {
  kind: 'request';
  id: number;
  command: string;
  args: unknown;
}
interface ResponseMessage {
  kind: 'response';
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}
interface ReadyMessage {
  kind: 'ready';
  info: unknown;
}

/** Child side: answers the runner's commands, then says it is ready with `info`. */
export function serveCommands(handlers: Record<string, Handler>, info: unknown): void {
  if (!process.send) throw new Error('bench workers run as child processes of bench/run.ts');
  process.on('message', (message: RequestMessage) => {
    if (message?.kind !== 'request') return;
    const handler = handlers[message.command];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown command ${message.command}`);
        return handler(message.args);
      })
      .then(
        (result) => process.send?.({ kind: 'response', id: message.id, ok: true, result } satisfies ResponseMessage),
        (err: unknown) =>
          process.send?.({
            kind: 'response',
            id: message.id,
            ok: false,
            error: err instanceof Error ? err.message : String(err),
          } satisfies ResponseMessage),
      );
  });
  // The runner going away (Ctrl-C, crash) takes its workers with it.
  process.on('disconnect', () => process.exit(0));
  process.send({ kind: 'ready', info } satisfies ReadyMessage);
}

export interface Worker<Info> {
  info: Info;
  pid: number;
  call<T>(command: string, args?: unknown): Promise<T>;
  /** The last lines the worker wrote to stderr (for failure reports). */
  stderrTail(): string;
  stop(): Promise<void>;
}

export interface StartWorkerOptions {
  env: Record<string, string | undefined>;
  execArgv?: string[];
  /** Give up if the worker is not ready by then. */
  timeoutMs?: number;
}

/** Forks `script` under tsx and waits for its ready message. */
export async function startWorker<Info>(script: string, options: StartWorkerOptions): Promise<Worker<Info>> {
  const child: ChildProcess = fork(script, [], {
    execArgv: ['--import', 'tsx', ...(options.execArgv ?? [])],
    env: options.env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-8_000);
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let exited = false;
  child.on('message', (message: ResponseMessage | ReadyMessage) => {
    if (message?.kind !== 'response') return;
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.ok) waiter.resolve(message.result);
    else waiter.reject(new Error(`${script}: ${message.error}`));
  });
  child.on('exit', (code, signal) => {
    exited = true;
    for (const waiter of pending.values()) {
      waiter.reject(new Error(`${script} exited (${code ?? signal}): ${stderr.slice(-2_000)}`));
    }
    pending.clear();
  });

  const info = await new Promise<Info>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${script} not ready within ${options.timeoutMs ?? 60_000} ms: ${stderr.slice(-2_000)}`)),
      options.timeoutMs ?? 60_000,
    );
    child.on('message', (message: ReadyMessage) => {
      if (message?.kind !== 'ready') return;
      clearTimeout(timer);
      resolve(message.info as Info);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited before it was ready (${code ?? signal}): ${stderr.slice(-2_000)}`));
    });
  });

  return {
    info,
    pid: child.pid ?? -1,
    call<T>(command: string, args?: unknown): Promise<T> {
      if (exited) return Promise.reject(new Error(`${script} has exited: ${stderr.slice(-2_000)}`));
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ kind: 'request', id, command, args } satisfies RequestMessage);
      });
    },
    stderrTail: () => stderr,
    async stop() {
      if (exited) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await gone;
      clearTimeout(timer);
    },
  };
}

/** RSS and heap of a process, in MB. */
export interface MemoryReport {
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
  /** heapUsed in bytes: per-conversation figures need more than 0.1 MB resolution. */
  heapUsedBytes?: number;
  /** Of heapUsed, V8's code and trusted spaces (JIT code, bytecode metadata): the program's, not its data's. */
  codeBytes?: number;
}

export function memoryReport(): MemoryReport {
  const m = process.memoryUsage();
  const mb = (n: number) => Math.round((n / 1_048_576) * 10) / 10;
  return {
    rssMb: mb(m.rss),
    heapUsedMb: mb(m.heapUsed),
    heapTotalMb: mb(m.heapTotal),
    externalMb: mb(m.external),
    heapUsedBytes: m.heapUsed,
    codeBytes: getHeapSpaceStatistics()
      .filter((space) => /^(code|trusted)(_large_object)?_space$/.test(space.space_name))
      .reduce((sum, space) => sum + space.space_used_size, 0),
  };
}
