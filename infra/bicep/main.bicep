// Orderly in Azure: one resource group holding Cosmos DB (serverless), Service Bus (Standard), storage, monitoring,
// and a Flex Consumption Function App per context, each with its own user-assigned identity whose roles reach only
// its own entities and container. No keys anywhere: local auth is off on Cosmos DB, Service Bus and storage.
// `azd up` deploys this (azure.yaml); tests/run.sh compiles and lints it with the Bicep CLI (infra/build-bicep.sh).
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; names and tags every resource.')
param environmentName string

// Only regions with Flex Consumption (every app's plan): elsewhere provisioning would fail on the plans after creating
// the rest. The list of Azure-Samples/functions-quickstart-dotnet-azd, less its canary region; `az functionapp
// list-flexconsumption-locations` gives today's. The azd metadata makes `azd up` offer only these.
@minLength(1)
@description('Azure region for every resource; one with Flex Consumption. azd env var AZURE_LOCATION.')
@allowed([
  'australiaeast'
  'centralindia'
  'centralus'
  'eastasia'
  'eastus'
  'eastus2'
  'francecentral'
  'germanywestcentral'
  'northcentralus'
  'northeurope'
  'southcentralus'
  'southeastasia'
  'swedencentral'
  'uksouth'
  'westcentralus'
  'westeurope'
  'westus2'
])
@metadata({ azd: { type: 'location' } })
param location string

@description('Object id of whoever runs azd (azd sets AZURE_PRINCIPAL_ID: a user, or a pipeline\'s service principal); gets data access for dead-letter triage and debugging. Empty: nobody does.')
param principalId string = ''

// azd reports which kind principalId is (AZURE_PRINCIPAL_TYPE: ServicePrincipal when it signed in with a client id, else
// User); a role assignment whose principalType does not match the principal fails with UnmatchedPrincipalType.
@allowed([ 'User', 'ServicePrincipal' ])
@description('Kind of principalId. azd env var AZURE_PRINCIPAL_TYPE, which azd fills itself.')
param principalType string = 'User'

// Identity (docs/azure-shell.md, "Identity"): one Microsoft Entra app registration, "Orderly API", is the audience of every
// app's tokens and holds the app roles customer, shop-admin and operator. It is made once per tenant, outside azd (the
// Microsoft Graph Bicep extension needs a registry this template cannot assume); these say which one to trust. No default:
// provisioning without them stops here, before any app exists that could not check a token.
@minLength(36)
@maxLength(36)
@description('Microsoft Entra tenant id (a GUID) that issues the API\'s tokens. azd env var AZURE_TENANT_ID (`azd env set AZURE_TENANT_ID <guid>`).')
param tenantId string

@minLength(36)
@maxLength(36)
@description('Application (client) id of the "Orderly API" app registration (docs/azure-shell.md, "Identity"). azd env var ORDERLY_API_CLIENT_ID.')
param apiClientId string

@description('Audience the apps accept (the token\'s aud). Empty = the API\'s client id, which is what Entra puts in aud of v2 access tokens (accessTokenAcceptedVersion 2). azd env var ORDERLY_API_AUDIENCE.')
param apiAudience string = ''

// No default, no allowed list here: the payments app itself refuses to start unless this names a provider it implements
// (today only `simulated`, which moves no money), so taking "payments" with the simulator is always someone's choice.
@description('Payment provider of the payments app (its setting Payments__Provider): `simulated` is the only one implemented. azd env var ORDERLY_PAYMENT_PROVIDER. Empty: provisioning succeeds and the payments app refuses to start, naming the setting.')
param paymentProvider string

@description('On-call email address every alert goes to, besides the subscription\'s owners and monitoring contributors. azd env var ORDERLY_ALERT_EMAIL; empty: those only.')
param alertEmail string = ''

var tags = { 'azd-env-name': environmentName }
var token = toLower(uniqueString(subscription().id, environmentName, location))
var databaseName = 'orderly'

// What every app validates a bearer token against (Auth__* settings and App Service Authentication): tokens of the v2
// endpoint of this tenant, for this audience, signed with the keys the tenant's OpenID metadata lists.
var auth = {
  clientId: apiClientId
  issuer: '${environment().authentication.loginEndpoint}${tenantId}/v2.0'
  audience: empty(apiAudience) ? apiClientId : apiAudience
}

// Every app, what it consumes and what it sends: the single source of its role assignments and its settings.
// receiveQueues/receiveSubscriptions: what its Service Bus triggers read (Data Receiver; queues also Data Sender, for
// the scheduled backoff copy a retry sends to the queue it came from). sendQueues/sendTopics: where its outbox relay
// sends (Data Sender). container: its own Cosmos DB container (plus the shared `leases` container for its change feed).
// settings: app settings only that app needs (never a secret).
// anonymousPaths: routes App Service Authentication lets through without a token, beyond /api/health (every app's
// liveness). By path, not method: the app's own check still guards a PUT or POST on the same path.
// maximumInstanceCount: Flex scales a Service Bus burst faster than the store downstream can absorb it
// (azure-functions-host #10523), so each app is capped. The cap holds per scale group, not per app: every Service Bus
// trigger scales on its own instances (HTTP triggers share a group, Durable Functions another), each group up to the cap
// (event-driven-scaling.md "Per-function scaling"; azure-rest-api-specs #45083). So an app's peak of message handlers on
// its container is Service Bus triggers x cap x maxConcurrentCalls (8, host.json): sized to 80 (ConcurrencyCapTests),
// 5 for the apps with two triggers (orders, inventory, checkout), 10 for those with one.
var apps = [
  {
    name: 'orders'
    container: 'orders'
    maximumInstanceCount: 5
    receiveQueues: [ 'orders-commands' ]
    receiveSubscriptions: [ 'orders-events/orders-read-model' ]
    sendQueues: [ 'checkout-replies' ]
    sendTopics: [ 'orders-events' ]
    settings: {}
    anonymousPaths: []
  }
  {
    name: 'inventory'
    container: 'inventory'
    maximumInstanceCount: 5
    receiveQueues: [ 'inventory-commands' ]
    receiveSubscriptions: [ 'inventory-events/inventory-availability' ]
    sendQueues: [ 'checkout-replies' ]
    sendTopics: [ 'inventory-events' ]
    settings: {}
    // The catalog is public (ORDERLY.md): product reads (GET products/{sku}; PUT and POST stock stay shop-admin's) and availability.
    anonymousPaths: [ '/api/inventory/products/*', '/api/inventory/availability' ]
  }
  {
    name: 'payments'
    container: 'payments'
    maximumInstanceCount: 10
    receiveQueues: [ 'payments-commands' ]
    receiveSubscriptions: []
    sendQueues: [ 'checkout-replies' ]
    sendTopics: []
    // Read by PaymentsOptions (Payments:Provider); no default anywhere, see param paymentProvider.
    settings: { Payments__Provider: paymentProvider }
    anonymousPaths: []
  }
  {
    name: 'shipping'
    container: 'shipping'
    maximumInstanceCount: 10
    receiveQueues: [ 'shipping-commands' ]
    receiveSubscriptions: []
    sendQueues: [ 'checkout-replies' ]
    sendTopics: []
    settings: {}
    anonymousPaths: []
  }
  {
    name: 'notifications'
    container: 'notifications'
    maximumInstanceCount: 10
    receiveQueues: []
    receiveSubscriptions: [ 'orders-events/notifications' ]
    sendQueues: []
    sendTopics: []
    settings: {}
    anonymousPaths: []
  }
  {
    name: 'checkout'
    container: 'checkout'
    maximumInstanceCount: 5
    receiveQueues: [ 'checkout-replies' ]
    receiveSubscriptions: [ 'orders-events/checkout' ]
    sendQueues: [ 'inventory-commands', 'payments-commands', 'shipping-commands', 'orders-commands' ]
    sendTopics: []
    // host.json: "hubName": "%TASKHUB_NAME%" (Durable Functions on the Azure Storage backend, in the shared account).
    settings: { TASKHUB_NAME: 'orderlycheckout' }
    anonymousPaths: []
  }
]

// The operations app (docs/azure-shell.md, "The operations app"): the console and dead-letter triage over every entity. Not
// in `apps`: it consumes no message. It reads every queue's and subscription's dead-letter sub-queue (Data Receiver on the
// entity: a $DeadLetterQueue has no role of its own) and sends a resubmitted copy to the queue, or for a subscription to its
// topic (Data Sender); no Manage right: it reads queue depths from the namespace's Azure Monitor metrics instead (Monitoring
// Reader on the namespace). Its own container holds the triage notes and their trail.
var operations = {
  name: 'operations'
  container: 'operations'
  // HTTP triggers only, for a few operators: one scale group.
  maximumInstanceCount: 2
  settings: {
    // The console is the root page, not the Functions host's.
    AzureWebJobsDisableHomepage: 'true'
  }
  // The page and its files hold no data (the API under /api/admin is the operator's); the console's files live under /console/.
  anonymousPaths: [ '/', '/index.html', '/console/*' ]
}

// Every Function App: the contexts, then the operations app (so functionApps[length(apps)] is the operations app).
var functionAppRows = concat(apps, [ operations ])

// Where the operations app forwards the console's reads (AppReads), in ORDERLY_APP_URLS' shape. Computed from the site names,
// not read from the sites: they come from the same module loop, and one item of a loop cannot wait for the others' outputs.
// A site's default host name is '<name>.azurewebsites.net' (public cloud; no autoGeneratedDomainNameLabelScope is set),
// which CompiledOutputTests holds against the site names.
var contextAppUrls = [for app in apps: {
  name: app.name
  url: 'https://func-${app.name}-${token}.azurewebsites.net'
}]

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-orderly-${environmentName}'
  location: location
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    location: location
    tags: tags
    logAnalyticsName: 'log-${token}'
    appInsightsName: 'appi-${token}'
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  scope: rg
  params: {
    location: location
    tags: tags
    accountName: 'cosmos-${token}'
    databaseName: databaseName
    containers: concat(map(apps, app => app.container), [ operations.container ])
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'servicebus'
  scope: rg
  params: {
    location: location
    tags: tags
    namespaceName: 'sb-${token}'
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    location: location
    tags: tags
    accountName: 'st${token}'
    deploymentContainers: [for app in functionAppRows: 'deploy-${app.name}']
  }
}

module functionApps 'modules/function-app.bicep' = [for app in functionAppRows: {
  name: 'app-${app.name}'
  scope: rg
  params: {
    location: location
    tags: tags
    serviceName: app.name
    appName: 'func-${app.name}-${token}'
    planName: 'plan-${app.name}-${token}'
    identityName: 'id-${app.name}-${token}'
    maximumInstanceCount: app.maximumInstanceCount
    storageAccountName: storage.outputs.name
    deploymentContainerName: 'deploy-${app.name}'
    appInsightsName: monitoring.outputs.appInsightsName
    serviceBusNamespaceName: serviceBus.outputs.name
    cosmosEndpoint: cosmos.outputs.endpoint
    cosmosDatabaseName: databaseName
    // The operations console links an order's trace id to its end-to-end transaction (ConsoleConfig.ForAzure).
    // Its reads of the other apps go to their URLs (Operations__AppUrls, a JSON string like ORDERLY_APP_URLS); its queue
    // depths come from the namespace's Azure Monitor metrics (ServiceBusMetrics).
    additionalSettings: app.name == operations.name
      ? union(app.settings, {
          Console__AppInsightsResourceId: monitoring.outputs.appInsightsId
          Operations__AppUrls: string(contextAppUrls)
          Operations__ServiceBusNamespaceId: serviceBus.outputs.id
        })
      : app.settings
    authClientId: auth.clientId
    authIssuer: auth.issuer
    authAudience: auth.audience
    anonymousPaths: app.anonymousPaths
  }
}]

module serviceBusAccess 'modules/servicebus-access.bicep' = [for (app, i) in apps: {
  name: 'sb-access-${app.name}'
  scope: rg
  params: {
    namespaceName: serviceBus.outputs.name
    principalId: functionApps[i].outputs.principalId
    receiveQueues: app.receiveQueues
    receiveSubscriptions: app.receiveSubscriptions
    sendQueues: app.sendQueues
    sendTopics: app.sendTopics
  }
}]

// Cosmos DB takes one SQL role-assignment write per account at a time and refuses the others with 412 ("another user
// operation in progress"): the apps' grants go one module after another (each module writes its own one by one), and the
// developer's after all of them.
@batchSize(1)
module cosmosAccess 'modules/cosmos-access.bicep' = [for (app, i) in apps: {
  name: 'cosmos-access-${app.name}'
  scope: rg
  params: {
    accountName: cosmos.outputs.name
    databaseName: databaseName
    principalId: functionApps[i].outputs.principalId
    containers: [ app.container, 'leases' ]
  }
}]

module operationsServiceBusAccess 'modules/servicebus-access.bicep' = {
  name: 'sb-access-${operations.name}'
  scope: rg
  params: {
    namespaceName: serviceBus.outputs.name
    principalId: functionApps[length(apps)].outputs.principalId
    receiveQueues: serviceBus.outputs.queues
    receiveSubscriptions: serviceBus.outputs.subscriptions
    // Every queue it reads gets Sender too (the resubmit), from the module's union of read and target queues.
    sendQueues: []
    sendTopics: serviceBus.outputs.topics
  }
}

// The console's queue depths: the namespace's metrics, read with Monitoring Reader (no message, no Manage).
module operationsMetricsAccess 'modules/servicebus-metrics-access.bicep' = {
  name: 'sb-metrics-${operations.name}'
  scope: rg
  params: {
    namespaceName: serviceBus.outputs.name
    principalId: functionApps[length(apps)].outputs.principalId
  }
}

// Its own container only (no change feed, so no leases); after the apps' grants, one Cosmos role write at a time.
module operationsCosmosAccess 'modules/cosmos-access.bicep' = {
  name: 'cosmos-access-${operations.name}'
  scope: rg
  dependsOn: [ cosmosAccess ]
  params: {
    accountName: cosmos.outputs.name
    databaseName: databaseName
    principalId: functionApps[length(apps)].outputs.principalId
    containers: [ operations.container ]
  }
}

// Whoever runs azd may triage dead letters and read data (nobody when principalId is empty).
module developerAccess 'modules/developer-access.bicep' = if (!empty(principalId)) {
  name: 'developer-access'
  scope: rg
  dependsOn: [ cosmosAccess, operationsCosmosAccess ]
  params: {
    principalId: principalId
    principalType: principalType
    serviceBusNamespaceName: serviceBus.outputs.name
    cosmosAccountName: cosmos.outputs.name
  }
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    location: location
    tags: tags
    serviceBusNamespaceName: serviceBus.outputs.name
    appInsightsName: monitoring.outputs.appInsightsName
    alertEmail: alertEmail
  }
}

output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = rg.name
output SERVICEBUS_NAMESPACE string = serviceBus.outputs.name
output COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.appInsightsName
// For the smoke test in docs/azure-shell.md: what a token must carry to pass every app's door.
output ORDERLY_AUTH_ISSUER string = auth.issuer
output ORDERLY_AUTH_AUDIENCE string = auth.audience
// Each app's own base URL (Azure has no single one: every Function App is its own host). azd keeps this in the environment
// as JSON; the end-to-end suite reads it as ORDERLY_APP_URLS and sends each route to the app that serves it.
output ORDERLY_APP_URLS array = [for (app, i) in functionAppRows: {
  name: app.name
  url: 'https://${functionApps[i].outputs.defaultHostName}'
}]
// The operations console: sign in as an operator (docs/azure-shell.md, "The operations app").
output ORDERLY_CONSOLE_URL string = 'https://${functionApps[length(apps)].outputs.defaultHostName}/'
