import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, parseConfig, resolveEnvironment } from './config';
import { createLogger } from './observability/logger';
import { errorSummary } from './observability/error-summary';

/**
 * The project folder (env/ and package.json): the nearest folder above this file with a package.json. The same
 * folder whether this runs as src/index.ts (tsx) or compiled as dist/src/index.js (`npm start`).
 */
function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** `npm start`: read config, start the bot, stop gracefully on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const root = projectRoot();
  let config: ReturnType<typeof parseConfig>;
  try {
    config = parseConfig(resolveEnvironment(process.env, root));
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  if (config.entra.clientCertificatePath) {
    // Read it now, so a wrong path or a key that does not match its certificate stops the start, named.
    const { loadClientCertificate } = await import('./identity/client-assertion');
    try {
      loadClientCertificate(config.entra.clientCertificatePath);
    } catch (err) {
      process.stderr.write(
        `PIM Bot configuration is invalid:\n  - ${err instanceof Error ? err.message : String(err)}\n`,
      );
      process.exit(2);
    }
  }
  const logger = createLogger(config.logLevel);
  logger.info({ mode: config.mode, graph: config.graphBaseUrl }, 'starting PIM Bot');
  // Loaded after the config is known good, so a config error is reported at once.
  const { startApp } = await import('./app');
  const { createStorage } = await import('./teams/bot-storage');
  const { REQUEST_INDEX_KEYS } = await import('./requests/pim-request-store');
  const { storageAccountOf } = await import('./azure/storage-account');
  const storage = await createStorage({
    // A connection string, or the endpoints with the managed identity (DefaultAzureCredential).
    account: storageAccountOf(config.storage),
    container: config.storage.container,
    // Indexes several instances may write first at once: created up front, so no first write is lost.
    initialItems: Object.fromEntries(Object.values(REQUEST_INDEX_KEYS).map((key) => [key, { value: [] }])),
  });
  const server = await startApp(config, logger, { storage });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      server.shutdown(signal).then(
        () => process.exit(0),
        (err) => {
          logger.error({ err: errorSummary(err) }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
}

main().catch((err) => {
  process.stderr.write(`PIM Bot failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
