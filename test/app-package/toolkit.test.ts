import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { BOT_APPLICATION_PERMISSIONS, BOT_DELEGATED_SCOPES } from '../../simulators/demo-app';
import { STEP_UP_CALLBACK_PATH } from '../../src/identity/step-up/routes';
import { TOOLKIT_ACTIONS_V1_11, TOOLKIT_YAML_SCHEMA_V1_11 } from './toolkit-schema';
import { BUILT_IN_ROLES } from '../infra/built-in-roles';

const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
const placeholdersIn = (text: string) => [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!);

interface Action {
  uses: string;
  with?: Record<string, unknown>;
  writeToEnvironmentFile?: Record<string, string>;
}
interface ToolkitFile {
  version: string;
  provision?: Action[];
  deploy?: Action[];
  publish?: Action[];
}

const TOOLKIT_FILES = [
  { file: 'm365agents.yml', env: 'dev' },
  { file: 'm365agents.local.yml', env: 'local' },
  { file: 'm365agents.playground.yml', env: 'playground' },
] as const;

/** Every variable src/config/ reads: the keys of its zod schemas, plus PIMBOT_MODE and PIMBOT_ENV. */
function configVariables(): string[] {
  const source = readdirSync(join(root, 'src/config'))
    .filter((file) => file.endsWith('.ts'))
    .map((file) => read(`src/config/${file}`))
    .join('\n');
  const names = new Set<string>();
  for (const m of source.matchAll(
    /^\s{2,6}([A-Z][A-Za-z0-9_]*)\s*:\s*(?:z\b|port\b|httpsUrl\(|tenantGuid\(|clientGuid\()/gm,
  )) {
    names.add(m[1]!);
  }
  for (const m of source.matchAll(/\b(?:env|processEnv)\.([A-Za-z_][A-Za-z0-9_]*)/g)) names.add(m[1]!);
  return [...names];
}

const bicep = read('infra/azure.bicep');
const bicepParams = [...bicep.matchAll(/^param (\w+) \w+( = .*)?$/gm)].map((m) => ({
  name: m[1]!,
  hasDefault: !!m[2],
}));
const bicepOutputs = [...bicep.matchAll(/^output (\w+) /gm)].map((m) => m[1]!);

/** What an action writes to the environment file. */
function outputsOf(action: Action): string[] {
  if (action.uses === 'arm/deploy') return bicepOutputs;
  return Object.values(action.writeToEnvironmentFile ?? {});
}

/** Files an action reads and expands `${{...}}` in. */
function filesReadBy(action: Action): string[] {
  const w = action.with ?? {};
  if (action.uses === 'arm/deploy') {
    return (w.templates as { parameters?: string }[]).flatMap((t) => (t.parameters ? [t.parameters] : []));
  }
  if (action.uses === 'aadApp/update' || action.uses.startsWith('teamsApp/')) {
    return typeof w.manifestPath === 'string' ? [w.manifestPath] : [];
  }
  return [];
}

describe('Microsoft 365 Agents Toolkit files', () => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validateFile = ajv.compile(TOOLKIT_YAML_SCHEMA_V1_11);

  for (const { file, env } of TOOLKIT_FILES) {
    describe(file, () => {
      const text = read(file);
      const doc = parseYaml(text) as ToolkitFile;

      it('is valid against the Toolkit’s v1.11 YAML schema (the actions it uses)', () => {
        expect(text.split('\n')[0]).toBe(
          '# yaml-language-server: $schema=https://aka.ms/m365-agents-toolkits/v1.11/yaml.schema.json',
        );
        expect(doc.version).toBe('v1.11');
        for (const action of [...(doc.provision ?? []), ...(doc.deploy ?? []), ...(doc.publish ?? [])]) {
          const schema = TOOLKIT_ACTIONS_V1_11[action.uses as keyof typeof TOOLKIT_ACTIONS_V1_11];
          expect(schema, `${file}: unknown action ${action.uses}`).toBeDefined();
          const validate = ajv.compile(schema);
          expect(validate(action) ? [] : validate.errors, `${file}: ${action.uses}`).toEqual([]);
        }
        expect(validateFile(doc) ? [] : validateFile.errors).toEqual([]);
      });

      it(`uses only variables that env/.env.${env} declares or an earlier action writes`, () => {
        const available = new Set(Object.keys(parseEnv(read(`env/.env.${env}`))));
        const missing: string[] = [];
        // Provision runs before deploy; publish after both.
        for (const action of [...(doc.provision ?? []), ...(doc.deploy ?? []), ...(doc.publish ?? [])]) {
          const texts = [JSON.stringify(action), ...filesReadBy(action).map((f) => read(f))];
          for (const name of texts.flatMap(placeholdersIn)) {
            if (!available.has(name)) missing.push(`${action.uses}: ${name}`);
          }
          for (const name of outputsOf(action)) available.add(name);
        }
        expect(missing).toEqual([]);
      });
    });
  }

  it('provision creates the app, the Entra app, Azure, then configures SSO and the Teams app, in that order', () => {
    const uses = (file: string) => ((parseYaml(read(file)) as ToolkitFile).provision ?? []).map((a) => a.uses);
    const order = [
      'teamsApp/create',
      'aadApp/create',
      'arm/deploy',
      'aadApp/update',
      'teamsApp/validateManifest',
      'teamsApp/zipAppPackage',
      'teamsApp/validateAppPackage',
      'teamsApp/update',
    ];
    expect(uses('m365agents.yml')).toEqual(order);
    expect(uses('m365agents.local.yml')).toEqual(order);
    const dev = parseYaml(read('m365agents.yml')) as ToolkitFile;
    expect(dev.deploy!.map((a) => a.uses)).toEqual([
      'cli/runNpmCommand',
      'cli/runNpmCommand',
      'cli/runNpmCommand',
      'cli/runNpmCommand',
      'azureAppService/zipDeploy',
    ]);
    expect(read('env/.env.dev')).toMatch(/^PIMBOT_HOSTING=appService$/m);
    expect(read('env/.env.local')).toMatch(/^PIMBOT_HOSTING=botOnly$/m);
  });

  it('the local and playground runs get the bot environment they need (src/config/)', () => {
    const envsOf = (file: string) =>
      ((parseYaml(read(file)) as ToolkitFile).deploy ?? []).find(
        (a) => a.uses === 'file/createOrUpdateEnvironmentFile',
      )!.with as { target: string; envs: Record<string, unknown> };
    const local = envsOf('m365agents.local.yml');
    expect(local.target).toMatch(/^\.\/\.local\//); // gitignored: it holds the app secret
    const productionRequired = [
      'PIMBOT_MODE',
      'MicrosoftAppId',
      'MicrosoftAppPassword',
      'MicrosoftAppType',
      'MicrosoftAppTenantId',
      'AAD_APP_TENANT_ID',
      'AAD_APP_CLIENT_ID',
      'AAD_APP_CLIENT_SECRET',
      'OAUTH_CONNECTION_NAME',
      'PUBLIC_BASE_URL',
    ];
    for (const name of productionRequired) expect(Object.keys(local.envs)).toContain(name);
    expect(local.envs.PIMBOT_MODE).toBe('production');
    const playground = envsOf('m365agents.playground.yml');
    expect(playground.target).toMatch(/^\.\/\.local\//);
    expect(playground.envs.PIMBOT_MODE).toBe('playground');
  });
});

describe('env files', () => {
  it('keep secrets out: SECRET_* only as placeholders, secret variables empty', () => {
    for (const env of ['dev', 'local', 'playground']) {
      const values = parseEnv(read(`env/.env.${env}`));
      for (const [name, value] of Object.entries(values)) {
        if (/SECRET|PASSWORD/i.test(name)) expect(value, `env/.env.${env}: ${name}`).toBe('');
      }
    }
    expect(read('.gitignore')).toMatch(/^\*\.user$/m);
    expect(read('.gitignore')).toMatch(/^\.local\/$/m);
    expect(read('.gitignore')).toMatch(/^appPackage\/build\/$/m);
  });

  it('env/.env.dev keeps the bot’s own variables next to the Toolkit’s', () => {
    const dev = parseEnv(read('env/.env.dev'));
    for (const name of [
      'PIMBOT_MODE',
      'PORT',
      'MicrosoftAppId',
      'MicrosoftAppType',
      'MicrosoftAppTenantId',
      'AAD_APP_CLIENT_ID',
      'AAD_APP_TENANT_ID',
      'AAD_APP_OAUTH_AUTHORITY_HOST',
      'GRAPH_BASE_URL',
      'TEAMSFX_ENV',
      'TEAMS_APP_ID',
      'BOT_ID',
      'BOT_DOMAIN',
    ]) {
      expect(Object.keys(dev)).toContain(name);
    }
    expect(dev.PIMBOT_MODE).toBe('production');
  });
});

describe('infra/azure.bicep', () => {
  const parameters = JSON.parse(read('infra/azure.parameters.json')) as { parameters: Record<string, unknown> };

  it('gets every parameter it has no default for, and no parameter it does not declare', () => {
    const declared = bicepParams.map((p) => p.name);
    for (const name of Object.keys(parameters.parameters)) expect(declared).toContain(name);
    for (const p of bicepParams.filter((p) => !p.hasDefault))
      expect(Object.keys(parameters.parameters)).toContain(p.name);
    expect(bicep).toMatch(/@secure\(\)\n(@description\([^\n]*\)\n)?param botAadAppClientSecret string$/m);
  });

  it('sets an App Service app setting for every variable in src/config/', () => {
    const block = bicep.slice(bicep.indexOf("resource appSettings 'Microsoft.Web/sites/config"));
    const settings = block.slice(0, block.indexOf('\n}\n'));
    const names = [...settings.matchAll(/^ {4}([A-Za-z_][A-Za-z0-9_]*): /gm)].map((m) => m[1]!);
    const variables = configVariables().filter((v) => v !== 'PIMBOT_ENV'); // env files, not app settings
    expect(variables.length).toBeGreaterThanOrEqual(24);
    const missing = variables.filter((v) => !names.includes(v));
    expect(missing, 'add them to infra/azure.bicep (appSettings) and docs/deploy-to-your-tenant.md').toEqual([]);
  });

  it('wires Teams SSO: the OAuth connection exchanges api://botid-<app id> tokens', () => {
    expect(bicep).toContain("serviceProviderDisplayName: 'Azure Active Directory v2'");
    expect(bicep).toContain(`value: 'api://botid-${'$'}{botAadAppClientId}'`);
    expect(bicep).toContain("channelName: 'MsTeamsChannel'");
    for (const role of [
      BUILT_IN_ROLES['Storage Blob Data Contributor']!,
      BUILT_IN_ROLES['Storage Queue Data Contributor']!,
    ]) {
      expect(bicep).toContain(role); // Storage Blob / Queue Data Contributor for the managed identity
    }
  });
});

/** The text of `resource <name> ... {` up to its closing brace at column 0. */
function resourceBlock(text: string, name: string): string {
  const start = text.indexOf(`resource ${name} `);
  expect(start, `resource ${name} in infra/azure.bicep`).toBeGreaterThanOrEqual(0);
  const rest = text.slice(start);
  return rest.slice(0, rest.indexOf('\n}\n') + 2);
}

/** Every top-level resource block of the template, with its name. */
function resourceBlocks(text: string): { name: string; block: string }[] {
  return [...text.matchAll(/^resource (\w+) /gm)].map((m) => ({ name: m[1]!, block: resourceBlock(text, m[1]!) }));
}

describe('infra/azure.bicep: one secret, three jobs (issue 13, finding 10)', () => {
  const settingsBlock = resourceBlock(bicep, 'appSettings');
  const setting = (name: string) => settingsBlock.match(new RegExp(`^ {4}${name}: (.+)$`, 'm'))?.[1];

  it('storageAccess defaults to managedIdentity, and then no account key exists anywhere', () => {
    expect(bicep).toMatch(/^param storageAccess string = 'managedIdentity'$/m);
    expect(bicep).toMatch(/^var useConnectionString = storageAccess == 'connectionString'$/m);
    // The account refuses shared keys unless the connection string was chosen.
    expect(resourceBlock(bicep, 'storage')).toMatch(/^ {4}allowSharedKeyAccess: useConnectionString$/m);
    // listKeys() only inside resources deployed when the connection string was chosen.
    const withKeys = resourceBlocks(bicep).filter((r) => /listKeys\(|AccountKey=/.test(r.block));
    for (const { name, block } of withKeys) {
      expect(block.split('\n')[0], `${name} reads an account key`).toMatch(
        /= if \([^)]*\buseConnectionString\b[^)]*\) \{$/,
      );
    }
    // Outside resources (variables, outputs) no key at all.
    const outsideResources = resourceBlocks(bicep).reduce((text, r) => text.replace(r.block, ''), bicep);
    expect(outsideResources).not.toMatch(/listKeys\(|AccountKey=/);
    // The bot gets the account name (managed identity) or the Key Vault reference, never both.
    expect(setting('STORAGE_ACCOUNT_NAME')).toBe("useConnectionString ? '' : storage.name");
    expect(setting('STORAGE_CONNECTION_STRING')).toBe('storageConnectionReference');
    expect(bicep).toMatch(/^var storageConnectionReference = deployApp && useConnectionString$/m);
    expect(setting('AZURE_CLIENT_ID')).toBe('identity.properties.clientId');
    console.log(
      `[issue 13 / finding 10] Bicep, storageAccess=managedIdentity: ${withKeys.length} resource(s) read an account key, all conditional on connectionString; allowSharedKeyAccess follows the choice`,
    );
  });

  it('the managed identity gets Blob and Queue Data Contributor on the account and Key Vault Secrets User on the vault only', () => {
    // Role ids: Microsoft's published table (test/infra/built-in-roles.ts).
    const roles: [string, string, string, string][] = [
      ['blobRole', 'storage', 'storageBlobDataContributor', BUILT_IN_ROLES['Storage Blob Data Contributor']!],
      ['queueRole', 'storage', 'storageQueueDataContributor', BUILT_IN_ROLES['Storage Queue Data Contributor']!],
      ['vaultSecretsRole', 'vault', 'keyVaultSecretsUser', BUILT_IN_ROLES['Key Vault Secrets User']!],
    ];
    for (const [name, scope, variable, role] of roles) {
      const block = resourceBlock(bicep, name);
      expect(block).toContain(`scope: ${scope}\n`);
      expect(block).toContain('principalId: identity.properties.principalId');
      expect(block).toContain(`'Microsoft.Authorization/roleDefinitions', ${variable})`);
      expect(bicep).toContain(`var ${variable} = '${role}'`);
    }
    // Nothing broader: no Owner/Contributor/Storage Account Contributor assignment.
    const assigned = [...bicep.matchAll(/roleDefinitions', (\w+)\)/g)].map((m) => m[1]);
    expect(new Set(assigned)).toEqual(new Set(roles.map((r) => r[2])));
  });

  it('secrets are Key Vault references: the bot password and the sealing key live in an RBAC vault', () => {
    expect(resourceBlock(bicep, 'vault')).toMatch(/enableRbacAuthorization: true/);
    expect(resourceBlock(bicep, 'botPasswordSecret')).toMatch(/value: botAadAppClientSecret/);
    expect(resourceBlock(bicep, 'sealingKeySecret')).toMatch(/value: stepUpSealingKey/);
    expect(bicep).toMatch(/@secure\(\)\n(@description\([^\n]*\)\n)?param stepUpSealingKey string/);
    expect(setting('MicrosoftAppPassword')).toBe('botPasswordReference');
    expect(setting('STEP_UP_SEALING_KEY')).toBe('sealingKeyReference');
    expect(setting('AAD_APP_CLIENT_SECRET')).toBe("useCertificate ? '' : botPasswordReference");
    expect(setting('AAD_APP_CLIENT_CERTIFICATE_PATH')).toBe('clientCertificatePath');
    expect(bicep).toMatch(/^var botPasswordReference = deployApp \? '@Microsoft\.KeyVault\(SecretUri=/m);
    expect(resourceBlock(bicep, 'webApp')).toContain('keyVaultReferenceIdentity: identity.id');
    // No secret parameter flows into an app setting as plain text.
    expect(settingsBlock).not.toMatch(/: (botAadAppClientSecret|stepUpSealingKey)$/m);
  });

  it('passes ALLOWED_TENANT_IDS from a parameter', () => {
    expect(bicep).toMatch(/^param allowedTenantIds string = ''$/m);
    expect(setting('ALLOWED_TENANT_IDS')).toBe('allowedTenantIds');
  });
});

describe('appPackage/aad.manifest.json (the bot app registration)', () => {
  const manifest = JSON.parse(read('appPackage/aad.manifest.json')) as {
    identifierUris: string[];
    signInAudience: string;
    api: { requestedAccessTokenVersion: number; oauth2PermissionScopes: { value: string }[] };
    web: { redirectUris: string[] };
  };
  // Its Graph permissions (ids of the permissions reference, equal to src/pim/graph-permissions.ts) are
  // checked in test/pim/graph-permissions.test.ts.

  it('is the Teams SSO resource and the step-up sign-in client', () => {
    expect(manifest.identifierUris).toEqual([`api://botid-${'$'}{{BOT_ID}}`]);
    expect(manifest.signInAudience).toBe('AzureADMyOrg');
    expect(manifest.api.requestedAccessTokenVersion).toBe(2);
    expect(manifest.api.oauth2PermissionScopes.map((s) => s.value)).toEqual(['access_as_user']);
    expect(manifest.web.redirectUris).toEqual([
      'https://token.botframework.com/.auth/web/redirect',
      `https://${'$'}{{BOT_DOMAIN}}${STEP_UP_CALLBACK_PATH}`,
    ]);
  });
});

describe('docs/deploy-to-your-tenant.md', () => {
  const docs = read('docs/deploy-to-your-tenant.md');

  it('has a configuration reference row for every variable in src/config/', () => {
    const rows = new Set([...docs.matchAll(/^\| `([A-Za-z_][A-Za-z0-9_]*)` \|/gm)].map((m) => m[1]!));
    const missing = configVariables().filter((v) => !rows.has(v));
    expect(missing, 'add a row to the configuration reference').toEqual([]);
  });

  it('names every Graph permission the bot asks for, and shows the architecture', () => {
    for (const permission of [...BOT_DELEGATED_SCOPES, ...BOT_APPLICATION_PERMISSIONS]) {
      expect(docs).toContain(`\`${permission}\``);
    }
    expect(docs).toContain('```mermaid');
    expect(docs).toContain('/auth/callback');
  });
});

/**
 * Issue 21: `atk deploy --env dev` ships compiled JavaScript and production dependencies only, assembled on the
 * admin's machine and never built again on App Service (docs/deploy-to-your-tenant.md, section 3). What the
 * staged folder holds and that it starts: test/scripts/compiled-bot.test.ts.
 */
describe('m365agents.yml deploy', () => {
  const dev = parseYaml(read('m365agents.yml')) as ToolkitFile;
  const steps = dev.deploy!.map((a) => ({ uses: a.uses, ...(a.with ?? {}) }) as Record<string, unknown>);
  const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };

  it('installs, builds, stages, installs production dependencies in the staged folder, then zip-deploys it', () => {
    expect(steps).toEqual([
      { uses: 'cli/runNpmCommand', args: 'ci --no-audit --no-fund' },
      { uses: 'cli/runNpmCommand', args: 'run build' },
      { uses: 'cli/runNpmCommand', args: 'run stage' },
      {
        uses: 'cli/runNpmCommand',
        workingDirectory: './dist-app-service',
        args: 'ci --omit=dev --ignore-scripts --no-audit --no-fund',
      },
      {
        uses: 'azureAppService/zipDeploy',
        artifactFolder: './dist-app-service',
        resourceId: `${'$'}{{AZURE_APP_SERVICE_RESOURCE_ID}}`,
      },
    ]);
    expect(pkg.scripts.build).toBe('tsx scripts/build.ts');
    expect(pkg.scripts.stage).toBe('tsx scripts/stage-deployment.ts');
    // The staged folder is a build output: never committed, never linted.
    expect(read('.gitignore')).toMatch(/^dist-app-service\/$/m);
    expect(read('.gitignore')).toMatch(/^dist\/$/m);
  });

  it('App Service runs what npm start runs, and builds nothing itself', () => {
    const site = bicep.slice(bicep.indexOf("resource webApp 'Microsoft.Web/sites@"));
    expect(site).toContain(`appCommandLine: '${pkg.scripts.start}'`);
    expect(pkg.scripts.start).toBe('node dist/src/index.js');
    expect(bicep).toMatch(/^ {4}SCM_DO_BUILD_DURING_DEPLOYMENT: 'false'$/m);
  });
});

describe('TEAMS_APP_TENANT_ID', () => {
  it('is gone: no Toolkit action writes it and nothing reads it', () => {
    for (const file of ['env/.env.dev', 'env/.env.local', 'env/.env.playground', ...TOOLKIT_FILES.map((t) => t.file)]) {
      expect(read(file), file).not.toContain('TEAMS_APP_TENANT_ID');
    }
  });
});
