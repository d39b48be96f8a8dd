/**
 * `npm run stage [-- --dist <dir>] [-- --target <dir>]`: the folder App Service gets (m365agents.yml deploy).
 *
 * Copies the compiled bot (`npm run build` → dist/), package.json and package-lock.json into `dist-app-service/`.
 * (Not `.deployment/`: `.deployment` is the name of Kudu's deployment configuration file on App Service.)
 * The Toolkit then runs `npm ci --omit=dev --ignore-scripts` in that folder and zip-deploys it, so the upload
 * holds compiled JavaScript and the production dependencies only: no TypeScript, no tsx, no esbuild, no
 * development tool, and no binary built for the deploying machine (docs/deploy-to-your-tenant.md, section 3).
 * App Service runs `node dist/src/index.js` (infra/azure.bicep appCommandLine, the same as `npm start`).
 */
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ENTRY_POINT } from './build';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The files, besides dist/ and node_modules/, that the bot needs at run time. */
export const STAGED_FILES = ['package.json', 'package-lock.json'] as const;

/** Replaces `target` with dist/ and STAGED_FILES. Throws when dist/ holds no build. */
export function stageDeployment(distDir = join(ROOT, 'dist'), target = join(ROOT, 'dist-app-service')): string {
  if (!existsSync(join(distDir, ENTRY_POINT))) {
    throw new Error(`${join(distDir, ENTRY_POINT)} does not exist: run \`npm run build\` first.`);
  }
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  cpSync(distDir, join(target, 'dist'), { recursive: true });
  for (const file of STAGED_FILES) cpSync(join(ROOT, file), join(target, file));
  return target;
}

function argument(argv: string[], name: string): string | undefined {
  const at = argv.indexOf(name);
  if (at < 0) return undefined;
  const value = argv[at + 1];
  if (!value) throw new Error(`${name} needs a folder`);
  return resolve(value);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const argv = process.argv.slice(2);
    const target = stageDeployment(argument(argv, '--dist'), argument(argv, '--target'));
    const shown = relative(process.cwd(), target) || '.';
    console.log(
      `Staged the compiled bot in ${shown}. Next: npm ci --omit=dev --ignore-scripts (in ${shown}), then zip-deploy it.`,
    );
  } catch (err) {
    console.error(`Staging failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
