import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { ActivityHandler, CloudAdapter } from 'botbuilder';
import restify from 'restify';
import type { AppConfig } from './config';
import { type ReadinessCheck, runReadinessChecks } from './health/readiness';
import { cachedProbe } from './health/readiness-cache';
import { errorSummary } from './observability/error-summary';
import type { Logger } from './observability/logger';
import { TURN_LOGGER } from './teams/turn-logger';

/** How long one readiness run answers /readyz: stale by a few seconds at most, and a probe storm costs one run. */
const READINESS_CACHE_MS = 5_000;

export interface ServerDependencies {
  config: Pick<AppConfig, 'host' | 'port' | 'maxBodyBytes' | 'shutdownGraceMs'>;
  logger: Logger;
  adapter: CloudAdapter;
  bot: ActivityHandler;
  readiness: readonly ReadinessCheck[];
  /** More routes beside /api/messages (the step-up sign-in's /auth/start and /auth/callback). */
  registerRoutes?: (server: restify.Server) => void;
}

export interface RunningServer {
  /** http://host:port */
  url: string;
  port: number;
  /** Stops accepting requests, lets in-flight turns finish (up to the grace period), then closes. */
  shutdown(reason: string): Promise<void>;
}

export async function startServer(deps: ServerDependencies): Promise<RunningServer> {
  const { config, logger, adapter, bot } = deps;
  let inFlight = 0;
  let draining = false;
  let drained: (() => void) | undefined;

  const readiness = cachedProbe(() => runReadinessChecks(deps.readiness, logger), READINESS_CACHE_MS);

  const server = restify.createServer({ name: 'pim-bot', handleUncaughtExceptions: false });
  // Before routing and before any body is read: every route and method, unknown paths included.
  server.pre(refuseEncodedBodies(logger));
  // JSON only (the Bot Connector sends nothing else). restify's bodyParser would also take multipart bodies,
  // which skip maxBodySize and leave formidable's upload files in the temp directory: before any auth check.
  server.use(restify.plugins.bodyReader({ maxBodySize: config.maxBodyBytes }));
  server.use(restify.plugins.jsonBodyParser({ bodyReader: true, mapParams: false }));

  server.get('/healthz', (_req, res, next) => {
    res.send(200, { status: 'alive' });
    return next();
  });

  server.get('/readyz', async (_req, res) => {
    if (draining) {
      res.send(503, { ready: false, reason: 'shutting down' });
      return;
    }
    const report = await readiness();
    res.send(report.ready ? 200 : 503, report);
  });

  server.post('/api/messages', async (req, res) => {
    if (draining) {
      res.header('Retry-After', '5');
      res.send(503, { error: 'PIM Bot is restarting; Teams retries this message.' });
      return;
    }
    const requestId = safeRequestId(req.header('x-request-id')) ?? randomUUID();
    inFlight++;
    const log = logger.child({ reqId: requestId });
    const started = process.hrtime.bigint();
    try {
      const invalid = notAnActivity(req.body);
      if (invalid) {
        // botbuilder would throw on these before its own checks, and the bot would answer 500.
        res.send(400, { error: invalid, requestId });
        return;
      }
      await adapter.process(req, res, async (context) => {
        context.turnState.set(
          TURN_LOGGER,
          log.child({ activityId: context.activity.id, activityType: context.activity.type }),
        );
        await bot.run(context);
      });
    } catch (err) {
      log.error({ err: errorSummary(err) }, 'turn failed before the bot ran');
      if (!res.headersSent) res.send(500, { error: 'Internal error', requestId });
    } finally {
      inFlight--;
      log.debug({ status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 }, 'POST /api/messages');
      if (draining && inFlight === 0) drained?.();
    }
  });

  // Clients probe the endpoint with HEAD before they post (the Agents Playground does, at every start).
  server.head('/api/messages', (_req, res, next) => {
    res.send(204);
    next();
  });

  deps.registerRoutes?.(server);

  // restify answers body-too-large and unknown routes itself; log the first without the body.
  server.on(
    'restifyError',
    (req: restify.Request, _res: restify.Response, err: Error & { statusCode?: number }, cb: () => void) => {
      logger.warn(
        { method: req.method, path: req.getPath(), status: err.statusCode, error: err.name },
        'request refused',
      );
      cb();
    },
  );

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  logger.info({ url }, 'PIM Bot listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    shutdown(reason) {
      closing ??= (async () => {
        draining = true;
        logger.info({ reason, inFlight }, 'shutting down: finishing in-flight turns');
        const idle = inFlight === 0 ? Promise.resolve() : new Promise<void>((r) => (drained = r));
        const grace = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), config.shutdownGraceMs).unref());
        const outcome = await Promise.race([idle, grace]);
        if (outcome === 'timeout') logger.warn({ inFlight }, 'grace period over; closing with turns still running');
        await new Promise<void>((r) => server.close(() => r()));
        logger.info('stopped');
      })();
      return closing;
    },
  };
}

/**
 * Why a JSON object is not an activity botbuilder can take: no string `type` (validateAndFixActivity throws),
 * or a serviceUrl that is not a string (the connector factory throws). Anything but an object botbuilder
 * refuses with 400 itself.
 */
function notAnActivity(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const { type, serviceUrl } = body as { type?: unknown; serviceUrl?: unknown };
  if (typeof type !== 'string') return 'Not an activity: type must be a string.';
  if (serviceUrl !== undefined && typeof serviceUrl !== 'string')
    return 'Not an activity: serviceUrl must be a string.';
  return undefined;
}

/**
 * Refuses any Content-Encoding but identity with 415, without reading the body. restify's bodyReader inflates
 * gzip with no bound (maxBodySize counts the compressed bytes): a 100 KB gzip of zeros becomes 100 MB in memory,
 * before authentication. The Bot Connector posts plain JSON ("REST and JSON over HTTPS", Bot Framework Connector
 * API reference, learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-api-reference), so
 * nothing legitimate is lost. Node discards the unread body once the answer is sent (it never inflates it).
 */
function refuseEncodedBodies(logger: Logger): restify.RequestHandler {
  return (req, res, next) => {
    const encoding = req.headers['content-encoding'];
    if (encoding === undefined) return next();
    if (encoding.trim().toLowerCase() === 'identity') {
      // bodyReader refuses any encoding it does not inflate, identity included: the header says nothing here.
      delete req.headers['content-encoding'];
      return next();
    }
    logger.warn(
      { method: req.method, path: req.getPath(), status: 415, contentEncoding: encoding.slice(0, 40) },
      'request refused',
    );
    res.header('Accept-Encoding', 'identity');
    res.send(415, {
      error:
        'Compressed request bodies are not accepted: send the body uncompressed, without a Content-Encoding header.',
    });
    return next(false);
  };
}

/** A caller-supplied request id is logged only when it looks like one (no log injection). */
function safeRequestId(value: string | undefined): string | undefined {
  return value && /^[A-Za-z0-9._:-]{1,100}$/.test(value) ? value : undefined;
}
