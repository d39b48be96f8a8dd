// PIM Bot on Azure. Deployed by the Microsoft 365 Agents Toolkit's arm/deploy action (m365agents.yml and
// m365agents.local.yml), with infra/azure.parameters.json filled from env/.env.<env>. Or by hand:
//   az deployment group create -g <rg> -f infra/azure.bicep -p botAadAppClientId=... botAadAppClientSecret=... ...
//
// hosting = 'appService' (default): Linux App Service (Node.js 24 LTS) running the compiled bot, a Storage account whose blob
//   container holds the bot's state and the activation watcher's leader lease and whose queues hold its jobs,
//   a user-assigned managed identity, a Key Vault (RBAC) holding the bot secret and the step-up sealing key
//   (app settings are Key Vault references), and the Azure Bot (Teams channel + the OAuth connection for
//   Teams SSO) pointing at the App Service.
// assignRoles = 'true' (default): this deployment gives the managed identity its roles (Key Vault Secrets User
//   on the vault; with managedIdentity storage also Storage Blob/Queue Data Contributor on the account), which
//   needs Microsoft.Authorization/roleAssignments/write: Owner, User Access Administrator or Role Based Access
//   Control Administrator on the resource group. 'false': someone with that right assigns them (the outputs
//   name the identity and the scopes; docs/deploy-to-your-tenant.md section 4.2). The bot needs them either way.
// storageAccess = 'managedIdentity' (default): the bot reaches storage with the managed identity (Storage
//   Blob/Queue Data Contributor on the account), the account refuses shared keys, and no account key is
//   read anywhere in this template. 'connectionString': the older way, an account-key connection string
//   kept in Key Vault.
// hosting = 'botOnly': only the Azure Bot with its Teams channel and SSO connection, pointing at botDomain (a
//   dev tunnel to a bot running on your machine: m365agents.local.yml).
//
// Resource API versions are GA versions: Microsoft.Web 2022-09-01, Microsoft.Storage 2023-01-01,
// Microsoft.ManagedIdentity 2023-01-31, Microsoft.Authorization 2022-04-01, Microsoft.BotService 2022-09-15,
// Microsoft.KeyVault 2023-07-01.

@description('appService: everything below. botOnly: only the Azure Bot, for local debugging through a tunnel.')
@allowed([
  'appService'
  'botOnly'
])
param hosting string = 'appService'

@description('Makes resource names unique: 4 to 12 lower-case letters or digits. Empty: derived from the resource group id.')
@maxLength(12)
param resourceSuffix string = ''

param location string = resourceGroup().location

@description('Environment name (TEAMSFX_ENV), as a tag on every resource.')
param environmentName string = 'dev'

@maxLength(42)
param botDisplayName string = 'PIM Bot'

@description('The bot app registration (BOT_ID): the Bot Framework identity, the Teams SSO resource and the on-behalf-of client.')
param botAadAppClientId string

@secure()
@description('A client secret of that app registration (SECRET_BOT_PASSWORD).')
param botAadAppClientSecret string

@description('The Entra tenant of the app registration (single-tenant bot).')
param botAadAppTenantId string = tenant().tenantId

// ── Credentials, storage and sealing (issue 13, finding 10) ────────────────────────────────────────────
@description('managedIdentity (default): storage through the managed identity, shared keys off, no account key anywhere. connectionString: an account-key connection string in Key Vault.')
@allowed([
  'managedIdentity'
  'connectionString'
])
param storageAccess string = 'managedIdentity'

@description('true: assign the managed identity its roles here (the deployer needs Owner, User Access Administrator or Role Based Access Control Administrator). false: they are assigned by someone else; the bot cannot start until they are.')
@allowed([
  'true'
  'false'
])
param assignRoles string = 'true'

@secure()
@description('Seals pending step-up sign-ins (STEP_UP_SEALING_KEY), kept in Key Vault. Default: a new random key per deployment (sign-ins in progress during a deployment must be restarted).')
param stepUpSealingKey string = '${newGuid()}${newGuid()}'

@description('Optional: path of a PEM file (private key + certificate of the app registration) mounted in the App Service. Set: the bot authenticates to Entra with it (AAD_APP_CLIENT_CERTIFICATE_PATH) instead of the app secret.')
param clientCertificatePath string = ''

@description('Comma-separated Entra tenant ids whose Teams activities the bot accepts (ALLOWED_TENANT_IDS). Empty: the app registration tenant only.')
param allowedTenantIds string = ''

@description('botOnly: the host name that reaches the bot (the dev tunnel), without scheme.')
param botDomain string = ''

@description('Name of the Azure Bot OAuth connection used for Teams SSO (OAUTH_CONNECTION_NAME).')
param oauthConnectionName string = 'pimbot-sso'

@allowed([
  'F0'
  'S1'
])
param botServiceSku string = 'F0'

@description('App Service plan SKU (Linux). B1 is enough for a tenant; P0v3 or higher for availability zones.')
param webAppSku string = 'B1'

// Bot settings (src/config/). An empty value leaves the variable unset, so the bot's default applies.
@allowed([
  'fatal'
  'error'
  'warn'
  'info'
  'debug'
  'trace'
  'silent'
])
param logLevel string = 'info'
param maxBodyBytes string = ''
param shutdownGraceMs string = ''
param authorityHost string = 'https://login.microsoftonline.com'
param graphBaseUrl string = 'https://graph.microsoft.com'
param ticketSystem string = ''
param ticketPattern string = ''
@description('JSON: role or group display name (or "*") to Teams channel id, e.g. {"*":"19:abc@thread.tacv2"}.')
param approvalsChannels string = ''
param fallbackApprovalsChannelId string = ''
@description('Comma-separated object ids of emergency access accounts.')
param breakGlassIds string = ''
@description('Minutes before approvers are reminded (0.01 to 1439; fractions allowed). Empty: 60.')
param approvalReminderMinutes string = ''
param approvalEscalationMinutes string = ''
@description('Seconds between checks of reminders, escalation and expiry (at least 0.1). Empty: 60.')
param jobPollSeconds string = '5'
@description('Minutes before an activation ends that its requester is warned (0: no warning).')
param expiryWarningMinutes string = '10'
@description('Blob container for the bot state and the watcher lease (STORAGE_CONTAINER). Empty: pimbot-state.')
@maxLength(63)
param storageContainer string = 'pimbot-state'
@description('Object id of the Entra group whose members may subscribe and unsubscribe channels. Empty: subscriptions off.')
param feedAdminGroupId string = ''
@description('Teams channel id ("19:...@thread.tacv2") that gets an urgent card for every break-glass activation.')
param securityChannelId string = ''
@description('Comma-separated object ids of the PIM for Groups groups the activation watcher reads.')
param watchedGroupIds string = ''
@description('Whole seconds between activation watcher reads of PIM (0: watcher off). Empty: 60.')
param watcherIntervalSeconds string = '60'
@description('The Teams app id of the manifest (TEAMS_APP_ID): the bot installs itself for approvers who never opened it.')
param teamsAppId string = ''
@description('PIM Bot\'s id in the org app catalog. Empty: read from the requester\'s installation.')
param teamsAppCatalogId string = ''
@description('true/false: install the bot for approvers it has no chat with. Empty: true when teamsAppId is set.')
param installForApprovers string = ''

var suffix = empty(resourceSuffix) ? take(uniqueString(resourceGroup().id), 8) : toLower(resourceSuffix)
var baseName = 'pimbot-${suffix}'
var deployApp = hosting == 'appService'
var tags = {
  app: 'pim-bot'
  environment: environmentName
}

// Built-in role definitions (same GUID in every tenant; learn.microsoft.com/azure/role-based-access-control/built-in-roles).
var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
var storageQueueDataContributor = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

var useConnectionString = storageAccess == 'connectionString'
var createRoleAssignments = deployApp && assignRoles == 'true'
// Blob and queue roles only when the bot reaches storage with its identity (no shared key).
var createStorageRoleAssignments = createRoleAssignments && !useConnectionString
var useCertificate = !empty(clientCertificatePath)

var stateContainerName = empty(storageContainer) ? 'pimbot-state' : storageContainer
// Scheduled jobs (src/scheduler/create-scheduler.ts jobsQueueName): '<container>-jobs', and its dead-letter queue.
var jobsQueueName = '${take(stateContainerName, 51)}-jobs'

// The App Service's identity: reads the Key Vault references, and (storageAccess = managedIdentity) reaches
// blobs and queues with Entra tokens (DefaultAzureCredential, picked by AZURE_CLIENT_ID). Graph is reached as
// the app registration (certificate or secret): PIM's app permissions belong to it, not to this identity.
resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = if (deployApp) {
  name: '${baseName}-id'
  location: location
  tags: tags
}

resource storage 'Microsoft.Storage/storageAccounts@2023-01-01' = if (deployApp) {
  name: take(replace(baseName, '-', ''), 24)
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    // Shared keys only for storageAccess = connectionString. With managed identity every request carries an
    // Entra token, and a leaked key (there is none in settings) would not work either.
    allowSharedKeyAccess: useConnectionString
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-01-01' = if (deployApp) {
  parent: storage
  name: 'default'
}

// Bot state: conversation references, tracked requests, channel subscriptions, activation feed, SSO
// token-exchange de-duplication, dialog state; and the blob leases/activation-watcher, whose lease elects the
// one instance that runs the activation watcher. The bot creates the container too when it is missing.
resource stateContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-01-01' = if (deployApp) {
  parent: blobService
  name: stateContainerName
  properties: {
    publicAccess: 'None'
  }
}

// Dedupe marks: one empty blob per message Teams delivers (activity-deliveries/, src/teams/delivery-marks.ts) and
// per SSO token exchange (sso-token-exchange/, src/teams/token-exchange-dedupe-storage.ts). Each is needed for
// minutes (Teams redelivers within about 30 s); the lifecycle rule deletes them after a day so they do not pile up.
// Lifecycle rules run about once a day (learn.microsoft.com/azure/storage/blobs/lifecycle-management-overview).
resource dedupeMarkCleanup 'Microsoft.Storage/storageAccounts/managementPolicies@2023-01-01' = if (deployApp) {
  parent: storage
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          enabled: true
          name: 'delete-dedupe-marks'
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                '${stateContainerName}/activity-deliveries/'
                '${stateContainerName}/sso-token-exchange/'
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: 1
                }
              }
            }
          }
        }
      ]
    }
  }
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-01-01' = if (deployApp) {
  parent: storage
  name: 'default'
}

// Approval reminders, follow-ups and expiry warnings. The bot also creates both queues when missing.
resource jobsQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-01-01' = if (deployApp) {
  parent: queueService
  name: jobsQueueName
}

resource jobsPoisonQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-01-01' = if (deployApp) {
  parent: queueService
  name: '${jobsQueueName}-poison'
}

resource blobRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (createStorageRoleAssignments) {
  name: guid(storage.id, identity.id, storageBlobDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource queueRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (createStorageRoleAssignments) {
  name: guid(storage.id, identity.id, storageQueueDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataContributor)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource plan 'Microsoft.Web/serverfarms@2022-09-01' = if (deployApp) {
  name: '${baseName}-plan'
  location: location
  tags: tags
  kind: 'linux'
  sku: {
    name: webAppSku
  }
  properties: {
    reserved: true // Linux
  }
}

resource webApp 'Microsoft.Web/sites@2022-09-01' = if (deployApp) {
  name: baseName
  location: location
  tags: tags
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references are resolved with this identity (it has Key Vault Secrets User on the vault).
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      // Node.js 24 LTS (end of life 2028-04-30; package.json engines, docs section 3). The compiled bot, as
      // `npm start` runs it, without npm in between: SIGTERM reaches the bot, which drains its turns.
      linuxFxVersion: 'NODE|24-lts'
      appCommandLine: 'node dist/src/index.js'
      alwaysOn: true
      http20Enabled: true
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      healthCheckPath: '/healthz'
    }
  }
}

// Key Vault (RBAC, no access policies): the secrets the app settings reference, read by the managed identity
// (Key Vault Secrets User on this vault only). learn.microsoft.com/azure/app-service/app-service-key-vault-references
resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = if (deployApp) {
  name: take('${baseName}-kv', 24)
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    publicNetworkAccess: 'Enabled'
  }
}

resource vaultSecretsRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (createRoleAssignments) {
  name: guid(vault.id, identity.id, keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// The app registration's secret: the Bot Framework channel still needs it as MicrosoftAppPassword (unless the
// bot resource is UserAssignedMSI), and it is AAD_APP_CLIENT_SECRET when no certificate is configured.
resource botPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (deployApp) {
  parent: vault
  name: 'bot-app-password'
  properties: {
    value: botAadAppClientSecret
  }
}

resource sealingKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (deployApp) {
  parent: vault
  name: 'step-up-sealing-key'
  properties: {
    value: stepUpSealingKey
  }
}

// Only for storageAccess = connectionString: the one place an account key is read, and only then.
resource storageConnectionSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (deployApp && useConnectionString) {
  parent: vault
  name: 'storage-connection-string'
  properties: {
    value: 'DefaultEndpointsProtocol=https;AccountName=${storage.name};AccountKey=${storage.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}'
  }
}

var botPasswordReference = deployApp ? '@Microsoft.KeyVault(SecretUri=${botPasswordSecret.properties.secretUri})' : ''
var sealingKeyReference = deployApp ? '@Microsoft.KeyVault(SecretUri=${sealingKeySecret.properties.secretUri})' : ''
var storageConnectionReference = deployApp && useConnectionString
  ? '@Microsoft.KeyVault(SecretUri=${storageConnectionSecret.properties.secretUri})'
  : ''

var publicBaseUrl = deployApp ? 'https://${webApp.properties.defaultHostName}' : 'https://${botDomain}'

// Every variable the bot reads (src/config/; docs/deploy-to-your-tenant.md). Secrets are Key Vault references,
// resolved by App Service with the user-assigned identity (keyVaultReferenceIdentity on the site).
resource appSettings 'Microsoft.Web/sites/config@2022-09-01' = if (deployApp) {
  parent: webApp
  name: 'appsettings'
  // The identity must be able to read the vault and the account before the bot starts with these settings.
  dependsOn: [
    vaultSecretsRole
    blobRole
    queueRole
  ]
  properties: {
    PIMBOT_MODE: 'production'
    // App Service forwards requests to PORT (8080 for its Node images) and the bot listens there.
    PORT: '8080'
    HOST: '0.0.0.0'
    LOG_LEVEL: logLevel
    MAX_BODY_BYTES: maxBodyBytes
    SHUTDOWN_GRACE_MS: shutdownGraceMs
    MicrosoftAppId: botAadAppClientId
    MicrosoftAppPassword: botPasswordReference
    MicrosoftAppType: 'SingleTenant'
    MicrosoftAppTenantId: botAadAppTenantId
    AAD_APP_TENANT_ID: botAadAppTenantId
    AAD_APP_CLIENT_ID: botAadAppClientId
    // Exactly one of these two (the bot refuses both or neither).
    AAD_APP_CLIENT_SECRET: useCertificate ? '' : botPasswordReference
    AAD_APP_CLIENT_CERTIFICATE_PATH: clientCertificatePath
    STEP_UP_SEALING_KEY: sealingKeyReference
    ALLOWED_TENANT_IDS: allowedTenantIds
    // Teams SSO tokens must be for this Application ID URI (the one the OAuth connection exchanges).
    AAD_APP_ID_URI: 'api://botid-${botAadAppClientId}'
    // botbuilder's cloud endpoints: empty means Microsoft's public cloud.
    ToChannelFromBotLoginUrl: ''
    ToChannelFromBotOAuthScope: ''
    ToBotFromChannelTokenIssuer: ''
    ToBotFromChannelOpenIdMetadataUrl: ''
    OAuthUrl: ''
    AAD_APP_OAUTH_AUTHORITY_HOST: authorityHost
    GRAPH_BASE_URL: graphBaseUrl
    PUBLIC_BASE_URL: publicBaseUrl
    OAUTH_CONNECTION_NAME: oauthConnectionName
    TICKET_SYSTEM: ticketSystem
    TICKET_PATTERN: ticketPattern
    APPROVALS_CHANNELS: approvalsChannels
    FALLBACK_APPROVALS_CHANNEL_ID: fallbackApprovalsChannelId
    BREAK_GLASS_IDS: breakGlassIds
    APPROVAL_REMINDER_MINUTES: approvalReminderMinutes
    APPROVAL_ESCALATION_MINUTES: approvalEscalationMinutes
    JOB_POLL_SECONDS: jobPollSeconds
    EXPIRY_WARNING_MINUTES: expiryWarningMinutes
    // State store (BlobsStorage), jobs queue and the activation watcher's leader lease, on the account above:
    // by managed identity (account name; AZURE_CLIENT_ID picks the user-assigned identity) or by connection string.
    STORAGE_CONNECTION_STRING: storageConnectionReference
    STORAGE_ACCOUNT_NAME: useConnectionString ? '' : storage.name
    STORAGE_BLOB_ENDPOINT: ''
    STORAGE_QUEUE_ENDPOINT: ''
    AZURE_CLIENT_ID: identity.properties.clientId
    STORAGE_CONTAINER: stateContainerName
    // Activation feed (docs/deploy-to-your-tenant.md, "Channel feed").
    FEED_ADMIN_GROUP_ID: feedAdminGroupId
    SECURITY_CHANNEL_ID: securityChannelId
    WATCHED_GROUP_IDS: watchedGroupIds
    WATCHER_INTERVAL_SECONDS: watcherIntervalSeconds
    // Reaching approvers who never opened PIM Bot (docs/deploy-to-your-tenant.md, section 5).
    TEAMS_APP_ID: teamsAppId
    TEAMS_APP_CATALOG_ID: teamsAppCatalogId
    INSTALL_FOR_APPROVERS: installForApprovers
    // The deployment zip already holds the compiled bot and its production node_modules (m365agents.yml deploy:
    // npm run build, npm run stage, npm ci --omit=dev --ignore-scripts): no build on the server.
    SCM_DO_BUILD_DURING_DEPLOYMENT: 'false'
  }
}

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: baseName
  location: 'global'
  tags: tags
  kind: 'azurebot'
  sku: {
    name: botServiceSku
  }
  properties: {
    displayName: botDisplayName
    endpoint: '${publicBaseUrl}/api/messages'
    msaAppId: botAadAppClientId
    msaAppType: 'SingleTenant'
    msaAppTenantId: botAadAppTenantId
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
    }
  }
}

// Teams SSO: Teams hands the bot a token for api://botid-<app id>; the token service exchanges it through this
// connection for a token to the bot's own API (scope access_as_user), which the bot then exchanges
// on-behalf-of the user for Microsoft Graph.
resource ssoConnection 'Microsoft.BotService/botServices/connections@2022-09-15' = {
  parent: bot
  name: oauthConnectionName
  location: 'global'
  properties: {
    serviceProviderDisplayName: 'Azure Active Directory v2'
    serviceProviderId: '30dd229c-58e3-4a48-bdfd-91ec48eb906c'
    clientId: botAadAppClientId
    clientSecret: botAadAppClientSecret
    scopes: 'api://botid-${botAadAppClientId}/access_as_user'
    parameters: [
      {
        key: 'tenantID'
        value: botAadAppTenantId
      }
      {
        key: 'tokenExchangeUrl'
        value: 'api://botid-${botAadAppClientId}'
      }
    ]
  }
}

// Written to env/.env.<env> by arm/deploy (same names).
output BOT_DOMAIN string = deployApp ? webApp.properties.defaultHostName : botDomain
output PUBLIC_BASE_URL string = publicBaseUrl
output OAUTH_CONNECTION_NAME string = ssoConnection.name
output AZURE_APP_SERVICE_RESOURCE_ID string = deployApp ? webApp.id : ''
output AZURE_BOT_RESOURCE_ID string = bot.id
// For whoever assigns the roles when assignRoles = 'false' (docs/deploy-to-your-tenant.md section 4.2).
output AZURE_MANAGED_IDENTITY_PRINCIPAL_ID string = deployApp ? identity.properties.principalId : ''
output AZURE_STORAGE_ACCOUNT_RESOURCE_ID string = deployApp ? storage.id : ''
output AZURE_KEY_VAULT_RESOURCE_ID string = deployApp ? vault.id : ''
