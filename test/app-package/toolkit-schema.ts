/**
 * The part of the Microsoft 365 Agents Toolkit's YAML schema v1.11 (m365agents*.yml) that covers the actions
 * PIM Bot uses, transcribed from the Toolkit's own schema (OfficeDev/microsoft-365-agents-toolkit,
 * packages/fx-core/resource/yaml-schema/v1.11/yaml.schema.json; https://aka.ms/m365-agents-toolkits/v1.11/
 * yaml.schema.json): action names, required keys, and no keys it does not define. JSON Schema draft-07.
 */

const envVarName = { type: 'string', pattern: '^[A-Z][A-Z0-9_]*$', maxLength: 256 };
const secretEnvVarName = { type: 'string', pattern: '^SECRET_[A-Z0-9_]+$', maxLength: 256 };
const common = {
  name: { type: 'string' },
  env: { type: 'object', additionalProperties: { type: 'string' } },
};

function action(uses: string, withSchema: object, extra: Record<string, unknown> = {}, required = ['uses', 'with']) {
  return {
    type: 'object',
    additionalProperties: false,
    required,
    properties: { ...common, uses: { type: 'string', const: uses }, with: withSchema, ...extra },
  };
}

function withKeys(required: string[], properties: Record<string, unknown>) {
  return { type: 'object', additionalProperties: false, required, properties };
}

const str = { type: 'string' };

export const TOOLKIT_ACTIONS_V1_11 = {
  'teamsApp/create': action(
    'teamsApp/create',
    withKeys(['name'], { name: str }),
    {
      writeToEnvironmentFile: withKeys(['teamsAppId'], {
        teamsAppId: envVarName,
        teamsAppTenantId: envVarName,
      }),
    },
    ['uses', 'with', 'writeToEnvironmentFile'],
  ),
  'aadApp/create': action(
    'aadApp/create',
    withKeys(['name', 'generateClientSecret', 'signInAudience'], {
      name: str,
      generateClientSecret: { type: 'boolean', const: true },
      generateServicePrincipal: { type: 'boolean' },
      signInAudience: {
        type: 'string',
        enum: ['AzureADMyOrg', 'AzureADMultipleOrgs', 'AzureADandPersonalMicrosoftAccount', 'PersonalMicrosoftAccount'],
      },
      serviceManagementReference: str,
      clientSecretExpireDays: { type: 'integer', minimum: 1 },
      clientSecretDescription: str,
      uniqueName: str,
    }),
    {
      writeToEnvironmentFile: withKeys(['clientId', 'objectId', 'clientSecret'], {
        clientId: envVarName,
        objectId: envVarName,
        clientSecret: secretEnvVarName,
        tenantId: envVarName,
        authority: envVarName,
        authorityHost: envVarName,
      }),
    },
    ['uses', 'with', 'writeToEnvironmentFile'],
  ),
  'aadApp/update': action(
    'aadApp/update',
    withKeys(['manifestPath', 'outputFilePath'], { manifestPath: str, outputFilePath: str }),
  ),
  'arm/deploy': action(
    'arm/deploy',
    withKeys(['subscriptionId', 'resourceGroupName', 'templates'], {
      subscriptionId: str,
      resourceGroupName: str,
      bicepCliVersion: str,
      templates: {
        type: 'array',
        items: withKeys(['deploymentName', 'path'], { deploymentName: str, path: str, parameters: str }),
      },
    }),
  ),
  'cli/runNpmCommand': action('cli/runNpmCommand', withKeys(['args'], { args: str, workingDirectory: str })),
  'azureAppService/zipDeploy': action(
    'azureAppService/zipDeploy',
    withKeys(['artifactFolder', 'resourceId'], {
      artifactFolder: str,
      resourceId: str,
      workingDirectory: str,
      ignoreFile: str,
      dryRun: { type: 'boolean' },
      outputZipFile: str,
    }),
  ),
  'teamsApp/validateManifest': action('teamsApp/validateManifest', withKeys(['manifestPath'], { manifestPath: str })),
  'teamsApp/validateAppPackage': action(
    'teamsApp/validateAppPackage',
    withKeys(['appPackagePath'], { appPackagePath: str }),
  ),
  'teamsApp/zipAppPackage': action(
    'teamsApp/zipAppPackage',
    withKeys(['manifestPath', 'outputZipPath', 'outputFolder'], {
      manifestPath: str,
      outputZipPath: str,
      outputFolder: str,
    }),
  ),
  'teamsApp/update': action('teamsApp/update', withKeys(['appPackagePath'], { appPackagePath: str })),
  'teamsApp/publishAppPackage': action(
    'teamsApp/publishAppPackage',
    withKeys(['appPackagePath'], { appPackagePath: str }),
    { writeToEnvironmentFile: withKeys(['publishedAppId'], { publishedAppId: envVarName }) },
    ['uses', 'with', 'writeToEnvironmentFile'],
  ),
  'file/createOrUpdateEnvironmentFile': action(
    'file/createOrUpdateEnvironmentFile',
    withKeys(['envs', 'target'], {
      envs: {
        type: 'object',
        additionalProperties: { oneOf: [{ type: 'string' }, { type: 'boolean' }, { type: 'number' }] },
      },
      target: str,
    }),
  ),
} as const;

/** The whole file: version v1.11 and lifecycles made of the actions above. */
export const TOOLKIT_YAML_SCHEMA_V1_11 = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: false,
  required: ['version'],
  properties: {
    projectId: str,
    environmentFolderPath: str,
    version: { type: 'string', const: 'v1.11' },
    additionalMetadata: { type: 'object' },
    provision: { $ref: '#/definitions/lifeCycleArray' },
    deploy: { $ref: '#/definitions/lifeCycleArray' },
    publish: { $ref: '#/definitions/lifeCycleArray' },
    share: { $ref: '#/definitions/lifeCycleArray' },
  },
  definitions: {
    lifeCycleArray: { type: 'array', items: { anyOf: Object.values(TOOLKIT_ACTIONS_V1_11) } },
  },
};
