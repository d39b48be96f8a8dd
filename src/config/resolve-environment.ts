import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError } from './config-error';
import type { Env } from './types';

/**
 * The environment the bot sees: env/.env.<PIMBOT_ENV> then env/.env.<PIMBOT_ENV>.user (gitignored, for
 * secrets), with real environment variables winning over both.
 */
export function resolveEnvironment(processEnv: Env, rootDir: string): Env {
  const name = processEnv.PIMBOT_ENV;
  if (!name) return { ...processEnv };
  if (!/^[a-z0-9-]+$/i.test(name)) {
    throw new ConfigError([`PIMBOT_ENV must be a file suffix such as "dev" (got "${name.slice(0, 40)}").`]);
  }
  const files = [join(rootDir, 'env', `.env.${name}`), join(rootDir, 'env', `.env.${name}.user`)];
  if (!existsSync(files[0]!)) {
    throw new ConfigError([`PIMBOT_ENV=${name} but ${files[0]} does not exist. Create it or unset PIMBOT_ENV.`]);
  }
  const fromFiles: Env = {};
  for (const file of files) {
    if (existsSync(file)) Object.assign(fromFiles, parseEnv(readFileSync(file, 'utf8')));
  }
  return { ...fromFiles, ...processEnv };
}
