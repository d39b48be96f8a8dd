import type { ChildProcess } from 'node:child_process';

/**
 * Where a bot started by a script listens, passing its stdout on to the script's: the port asked for, or with
 * port 0 (the system picks one, nothing chosen and released before) the url of the bot's "PIM Bot listening"
 * log line. Undefined when the bot exits first; a bot silent for `timeoutMs` (its LOG_LEVEL above info hides
 * that line) is stopped, with why.
 */
export function botListening(bot: ChildProcess, port: number, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    if (port !== 0) resolve(`http://127.0.0.1:${port}`);
    const timer = setTimeout(() => {
      process.stderr.write(
        `The bot did not say where it listens within ${timeoutMs / 1000} s (PORT=0 needs LOG_LEVEL info).\n`,
      );
      bot.kill('SIGTERM');
    }, timeoutMs).unref();
    let partial: string | undefined = '';
    bot.stdout?.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      if (partial === undefined) return;
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop();
      for (const line of lines) {
        if (!line.includes('"PIM Bot listening"')) continue;
        partial = undefined;
        clearTimeout(timer);
        resolve((JSON.parse(line) as { url: string }).url);
        return;
      }
    });
    bot.once('exit', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
  });
}
