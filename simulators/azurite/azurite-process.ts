import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type IncomingMessage, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';

/**
 * Azurite (the local Azure Storage emulator) in a child process, for the playground demo and the tests.
 * Never used in production: a deployed bot gets a real storage account's connection string.
 */

/** Azurite's single development account. Public and documented by Microsoft; not a secret. */
export const AZURITE_ACCOUNT_NAME = 'devstoreaccount1';
export const AZURITE_ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteStartOptions {
  /**
   * Folder where Azurite keeps its data, so a second start sees the first one's blobs and queues.
   * Without it, everything is kept in memory and lost on stop.
   */
  location?: string;
  /** Address to listen on; loopback unless you mean otherwise. */
  host?: string;
  /** Fixed ports; each one left out is chosen by the OS as Azurite binds it (port 0). */
  ports?: { blob?: number; queue?: number; table?: number };
  /** How long to wait for Azurite to answer before giving up (default 20 s). */
  startTimeoutMs?: number;
  /** Called with Azurite's own output lines (start banner, errors); ignored by default. */
  onOutput?: (line: string) => void;
  /**
   * Serve HTTPS with this certificate (e.g. issueServerCertificate(ca) from simulators/tls): Azurite's
   * `--cert`/`--key`. Clients must trust its CA (NODE_EXTRA_CA_CERTS).
   */
  https?: { certPem: string; keyPem: string };
  /**
   * `'basic'`: accept bearer tokens (Azurite's `--oauth basic`: it checks issuer https://sts.windows.net/…,
   * audience https://storage.azure.com and expiry, not the signature), so @azure/storage-blob/queue work
   * with a TokenCredential. Azurite requires HTTPS for it (its README, "OAuth Configuration").
   */
  oauth?: 'basic';
}

export interface AzuriteProcess {
  /** Full connection string for the dev account, with the blob, queue and table endpoints. */
  connectionString: string;
  /** http://127.0.0.1:<port>/devstoreaccount1, https://… with the `https` option. */
  blobUrl: string;
  queueUrl: string;
  tableUrl: string;
  pid: number;
  /** Graceful stop (flushes --location data); kills the process if it has not exited after 5 s. */
  stop(): Promise<void>;
}

export class AzuriteStartError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AzuriteStartError';
  }
}

/**
 * Runs in the Azurite process before Azurite itself: when the parent goes away without stopping us
 * (killed, crashed), the IPC channel disconnects and Azurite shuts down the way it does on SIGTERM,
 * instead of lingering on its ports. A fallback exit follows in case a server does not close.
 */
const PARENT_WATCHDOG = `data:text/javascript,${encodeURIComponent(
  "process.once('disconnect',()=>{process.emit('SIGTERM');setTimeout(()=>process.exit(0),3000).unref();});",
)}`;

/** The connection string for an Azurite dev account at the given endpoints. */
export function azuriteConnectionString(endpoints: { blobUrl: string; queueUrl: string; tableUrl: string }): string {
  return [
    `DefaultEndpointsProtocol=${endpoints.blobUrl.startsWith('https:') ? 'https' : 'http'}`,
    `AccountName=${AZURITE_ACCOUNT_NAME}`,
    `AccountKey=${AZURITE_ACCOUNT_KEY}`,
    `BlobEndpoint=${endpoints.blobUrl}`,
    `QueueEndpoint=${endpoints.queueUrl}`,
    `TableEndpoint=${endpoints.tableUrl}`,
  ].join(';');
}

/**
 * Starts Azurite (blob, queue and table services) and resolves once all three answer HTTP.
 * `--skipApiVersionCheck` lets the storage SDKs, newer than Azurite, talk to it.
 */
export async function startAzuriteProcess(options: AzuriteStartOptions = {}): Promise<AzuriteProcess> {
  if (options.oauth && !options.https) {
    throw new AzuriteStartError(
      "Azurite accepts bearer tokens (oauth: 'basic') over HTTPS only: pass https: { certPem, keyPem } too.",
    );
  }
  return launch(options);
}

type ServiceName = 'blob' | 'queue' | 'table';

/** Azurite's start banner line for each service, with the port it bound (printed even with --silent). */
const LISTENING = /Azurite (Blob|Queue|Table) service is successfully listening at \S+:(\d+)/;

async function launch(options: AzuriteStartOptions): Promise<AzuriteProcess> {
  const host = options.host ?? '127.0.0.1';
  // Port 0 lets the OS choose while Azurite binds (no window in which another process can take a port
  // picked beforehand); Azurite prints the port it got, read back below.
  const requested = {
    blob: options.ports?.blob ?? 0,
    queue: options.ports?.queue ?? 0,
    table: options.ports?.table ?? 0,
  };
  const bound: Partial<Record<ServiceName, number>> = {};
  // Azurite reads --cert/--key from files: a private folder, removed when Azurite stops.
  const tlsDir = options.https ? mkdtempSync(join(tmpdir(), 'azurite-tls-')) : undefined;
  const removeTlsDir = () => {
    if (tlsDir) rmSync(tlsDir, { recursive: true, force: true });
  };
  if (tlsDir && options.https) {
    writeFileSync(join(tlsDir, 'cert.pem'), options.https.certPem);
    writeFileSync(join(tlsDir, 'key.pem'), options.https.keyPem, { mode: 0o600 });
  }
  const args = [
    '--import',
    PARENT_WATCHDOG,
    azuriteScript(),
    options.location ? '--location' : '--inMemoryPersistence',
    ...(options.location ? [resolvePath(options.location)] : []),
    '--silent',
    '--disableTelemetry',
    '--skipApiVersionCheck',
    ...['--blobHost', host, '--blobPort', String(requested.blob)],
    ...['--queueHost', host, '--queuePort', String(requested.queue)],
    ...['--tableHost', host, '--tablePort', String(requested.table)],
    ...(tlsDir ? ['--cert', join(tlsDir, 'cert.pem'), '--key', join(tlsDir, 'key.pem')] : []),
    ...(options.oauth ? ['--oauth', options.oauth] : []),
  ];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    // Clean environment for Node: no loaders or inspector flags inherited from a test runner.
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  const output: string[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split(/\r?\n/)) {
      if (!line) continue;
      output.push(line);
      if (output.length > 50) output.shift();
      const listening = LISTENING.exec(line);
      if (listening) bound[listening[1]!.toLowerCase() as ServiceName] = Number(listening[2]);
      options.onOutput?.(line);
    }
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  // The IPC channel must not keep the parent alive on its own.
  child.channel?.unref();

  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  exited.then(removeTlsDir, removeTlsDir);
  const scheme = tlsDir ? 'https' : 'http';
  const urlOf = (port: number) =>
    `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}/${AZURITE_ACCOUNT_NAME}`;

  const timeoutMs = options.startTimeoutMs ?? 20_000;
  const deadline = Date.now() + timeoutMs;
  let running = true;
  exited.then(() => {
    running = false;
  });
  const ready = async (): Promise<boolean> => {
    const ports = [bound.blob, bound.queue, bound.table];
    return ports.every((port) => port !== undefined) && (await allAnswer(ports.map((port) => urlOf(port!))));
  };
  while (!(await ready())) {
    if (!running) {
      const log = output.join('\n');
      throw new AzuriteStartError(
        `Azurite exited during start (code ${child.exitCode})${/EADDRINUSE/.test(log) ? ': a port it was given is in use' : ''}. Its output:\n${log || '(none)'}`,
      );
    }
    if (Date.now() > deadline) {
      await stopChild(child, exited);
      throw new AzuriteStartError(
        `Azurite did not answer within ${timeoutMs} ms (requested ports ${requested.blob}/${requested.queue}/${requested.table}, 0 = any). Its output:\n${output.join('\n') || '(none)'}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const endpoints = { blobUrl: urlOf(bound.blob!), queueUrl: urlOf(bound.queue!), tableUrl: urlOf(bound.table!) };

  return {
    ...endpoints,
    connectionString: azuriteConnectionString(endpoints),
    pid: child.pid!,
    stop: () => stopChild(child, exited),
  };
}

/**
 * Asks Azurite to shut down (it saves --location data on the way), then kills it if it lingers.
 * Closing the IPC channel is the signal: the watchdog turns it into Azurite's own SIGTERM shutdown, and a
 * closed channel no longer keeps the process alive (after a plain SIGTERM it would).
 */
async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  if (child.connected) child.disconnect();
  else child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

async function allAnswer(urls: string[]): Promise<boolean> {
  const results = await Promise.all(urls.map(answers));
  return results.every(Boolean);
}

/**
 * Any HTTP answer (Azurite says 400 or 403 to an anonymous GET) means the service is up. This only asks
 * whether it listens, so the HTTPS probe does not check the certificate: clients of Azurite do.
 */
function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const options = { timeout: 1_000 };
    const onResponse = (response: IncomingMessage) => {
      response.resume();
      resolve(true);
    };
    const req = url.startsWith('https:')
      ? httpsRequest(url, { ...options, rejectUnauthorized: false }, onResponse)
      : httpRequest(url, options, onResponse);
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

function azuriteScript(): string {
  try {
    return createRequire(import.meta.url).resolve('azurite/dist/src/azurite.js');
  } catch (err) {
    throw new AzuriteStartError(
      'Azurite is not installed. It is a devDependency for the local demo and tests: run `npm install` (with dev dependencies).',
      { cause: err },
    );
  }
}
