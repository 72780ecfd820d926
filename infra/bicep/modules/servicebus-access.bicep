// One app's Service Bus roles, each scoped to a single queue, topic or subscription, never to the namespace.
// Receiver on what its triggers read; Sender on the queues it reads too (a retry schedules a backoff copy back onto
// the same queue), and on the queues and topics its outbox relay sends to.
// Data Receiver, not Data Owner, on what the triggers read, on purpose. The scale controller reads an entity's message
// count through the management API (GetQueueRuntimePropertiesAsync), which needs Manage rights, i.e. Data Owner; without
// them it warns ("does not have Manage claim") and scales on the age of the first peeked message instead, more slowly
// (WebJobs.Extensions.ServiceBus ServiceBusMetricsProvider; Azure/Azure-Functions #2379). Manage on an entity would also
// let a compromised app reconfigure or delete its queue or subscription. With 5 to 10 instances per scale group the
// exact count buys little, so least privilege wins (docs/azure-shell.md, "Infrastructure").
// Every name is guid(scope, principal, role): Azure keeps one assignment per scope, principal and role, and refuses a
// second under another name (RoleAssignmentExists). So a queue the app both reads and sends to gets one Sender
// assignment, from one loop over both lists, rather than two alike-named ones (or two differently named, refused).
param namespaceName string
param principalId string
@description('Queues the app reads.')
param receiveQueues string[]
@description('Subscriptions the app reads, as topic/subscription.')
param receiveSubscriptions string[]
@description('Queues the app sends commands or replies to.')
param sendQueues string[]
@description('Topics the app publishes events to.')
param sendTopics string[]

var dataReceiver = '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
var dataSender = '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
// Read queues (for the retry copy) and target queues, each once.
var senderQueues = union(receiveQueues, sendQueues)

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: namespaceName
}

resource readQueues 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' existing = [for name in receiveQueues: {
  parent: namespace
  name: name
}]

resource readSubscriptions 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2024-01-01' existing = [for path in receiveSubscriptions: {
  name: '${namespaceName}/${split(path, '/')[0]}/${split(path, '/')[1]}'
}]

resource targetQueues 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' existing = [for name in senderQueues: {
  parent: namespace
  name: name
}]

resource targetTopics 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' existing = [for name in sendTopics: {
  parent: namespace
  name: name
}]

resource receiveFromQueue 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (name, i) in receiveQueues: {
  name: guid(readQueues[i].id, principalId, dataReceiver)
  scope: readQueues[i]
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dataReceiver)
  }
}]

resource receiveFromSubscription 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (path, i) in receiveSubscriptions: {
  name: guid(readSubscriptions[i].id, principalId, dataReceiver)
  scope: readSubscriptions[i]
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dataReceiver)
  }
}]

resource sendToQueue 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (name, i) in senderQueues: {
  name: guid(targetQueues[i].id, principalId, dataSender)
  scope: targetQueues[i]
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dataSender)
  }
}]

resource sendToTopic 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (name, i) in sendTopics: {
  name: guid(targetTopics[i].id, principalId, dataSender)
  scope: targetTopics[i]
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dataSender)
  }
}]
