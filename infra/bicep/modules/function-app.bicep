// One context's Function App on Flex Consumption: its own plan, its own user-assigned identity, identity-based
// settings only (no connection string carries a key), and the storage and telemetry roles the runtime needs.
// Service Bus and Cosmos DB roles are granted separately (servicebus-access.bicep, cosmos-access.bicep), per entity.
// Callers need a Microsoft Entra token: App Service Authentication is the outer door, the app's own check the inner one.
param location string
param tags object
@description('The azd service name (azure.yaml); azd finds the app by the azd-service-name tag.')
param serviceName string
param appName string
param planName string
param identityName string
@description('Instances per scale group (each Service Bus trigger is one; HTTP triggers share one), not per app; capped so a burst cannot flood Cosmos DB (azure-functions-host #10523).')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int
param storageAccountName string
param deploymentContainerName string
param appInsightsName string
param serviceBusNamespaceName string
param cosmosEndpoint string
param cosmosDatabaseName string
@description('Settings only this app needs (e.g. the Durable task hub name of checkout); never a secret.')
param additionalSettings object = {}
@description('Application (client) id of the "Orderly API" app registration, whose tokens this app accepts.')
param authClientId string
@description('Issuer every token must name: https://login.microsoftonline.com/<tenant id>/v2.0.')
param authIssuer string
@description('Audience (aud) every token must carry.')
param authAudience string
@description('Paths App Service Authentication lets through without a token, besides /api/health; by path, not method.')
param anonymousPaths array = []

var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: identityName
  location: location
  tags: tags
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { name: 'FC1', tier: 'FlexConsumption' }
  properties: { reserved: true }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: identity.id }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: 2048
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: { name: 'dotnet-isolated', version: '10.0' }
    }
  }

  resource settings 'config' = {
    name: 'appsettings'
    properties: union(additionalSettings, {
      AzureWebJobsStorage__accountName: storage.name
      AzureWebJobsStorage__credential: 'managedidentity'
      AzureWebJobsStorage__clientId: identity.properties.clientId
      ServiceBusConnection__fullyQualifiedNamespace: '${serviceBusNamespaceName}.servicebus.windows.net'
      ServiceBusConnection__credential: 'managedidentity'
      ServiceBusConnection__clientId: identity.properties.clientId
      CosmosDBConnection__accountEndpoint: cosmosEndpoint
      CosmosDBConnection__credential: 'managedidentity'
      CosmosDBConnection__clientId: identity.properties.clientId
      // Read by the core's store (Cosmos:Database) and by the change-feed trigger (%ORDERLY_COSMOS_DATABASE%).
      Cosmos__Database: cosmosDatabaseName
      ORDERLY_COSMOS_DATABASE: cosmosDatabaseName
      // DefaultAzureCredential in our own clients (CosmosClient, ServiceBusClient) picks this identity.
      AZURE_CLIENT_ID: identity.properties.clientId
      APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.properties.clientId};Authorization=AAD'
      // The inner door: the app validates issuer, audience, signature (keys from the tenant's OpenID metadata) and lifetime
      // of every bearer token itself, in Azure as in the local host; without these it refuses to start.
      Auth__Issuer: authIssuer
      Auth__Audience: authAudience
      Auth__MetadataAddress: '${authIssuer}/.well-known/openid-configuration'
      // The customer id: Entra's oid (the user's object id: one per user in the tenant, whatever app the token is for), not
      // sub (pairwise: a different value per user and app registration, so a new registration would orphan every order).
      Auth__SubjectClaim: 'oid'
    })
  }

  // The outer door: App Service Authentication answers 401 to a request without a valid token for this API before the
  // Functions host sees it, except on the anonymous paths. It only validates bearer tokens (no login flow, no token
  // store), so it needs no client secret. Written after the app settings: two config writes at once can conflict.
  resource authentication 'config' = {
    name: 'authsettingsV2'
    dependsOn: [ settings ]
    properties: {
      platform: { enabled: true }
      globalValidation: {
        requireAuthentication: true
        unauthenticatedClientAction: 'Return401'
        excludedPaths: union([ '/api/health' ], anonymousPaths)
      }
      identityProviders: {
        azureActiveDirectory: {
          enabled: true
          registration: { clientId: authClientId, openIdIssuer: authIssuer }
          validation: { allowedAudiences: [ authAudience ] }
        }
      }
      login: { tokenStore: { enabled: false } }
      httpSettings: { requireHttps: true }
    }
  }
}

// The Functions runtime keeps host locks, timers and (for checkout) the Durable task hub in this account.
resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in [ roles.storageBlobDataOwner, roles.storageQueueDataContributor, roles.storageTableDataContributor ]: {
  name: guid(storage.id, identity.id, role)
  scope: storage
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
  }
}]

// Needed because App Insights has local auth off: telemetry is sent with the identity (Authorization=AAD).
resource telemetryRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, identity.id, roles.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
  }
}

output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
output name string = app.name
output defaultHostName string = app.properties.defaultHostName
