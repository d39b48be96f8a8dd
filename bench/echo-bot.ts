/**
 * The framework floor: a bare Bot Framework echo bot on the same stack as PIM Bot (restify 11, the
 * same body parser settings, CloudAdapter with no app id so inbound auth is off as in playground mode).
 * It replies to every message with one text activity, sent to the activity's serviceUrl (the bench
 * connector), exactly as PIM Bot's replies travel. No state, no dialogs, no Graph, no tokens.
 *
 * Run by bench/run.ts as a child process (PORT from the environment); it reports its memory on request.
 */
import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import restify from 'restify';
import { memoryReport, serveCommands } from './ipc';

class EchoBot extends ActivityHandler {
  constructor() {
    super();
    this.onMessage(async (context, next) => {
      await context.sendActivity(`echo: ${context.activity.text ?? ''}`);
      await next();
    });
  }
}

async function main(): Promise<void> {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const bot = new EchoBot();
  const server = restify.createServer({ name: 'echo-bot', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ maxBodySize: 256 * 1024, mapParams: false, mapFiles: false }));
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, (context) => bot.run(context));
  });
  const port = Number(process.env.PORT ?? 0);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  const address = server.address() as { port: number };
  serveCommands(
    {
      memory: () => memoryReport(),
      // After a full GC, as the bot's idle figure is taken (the worker runs with --expose-gc).
      gc() {
        (globalThis as { gc?: () => void }).gc?.();
        return memoryReport();
      },
    },
    { url: `http://127.0.0.1:${address.port}` },
  );
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

main().catch((err: unknown) => {
  process.stderr.write(`echo bot failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
