// Reading the namespace's Azure Monitor metrics (ActiveMessages, DeadletteredMessages per entity): the operations console's
// queue depths in Azure. Monitoring Reader reads metrics and settings, no message and no right to change anything; the
// Service Bus administration API would need Manage (Data Owner) for the same counts (docs/azure-shell.md, "The operations app").
param namespaceName string
param principalId string

var monitoringReader = '43d0d8ad-25c7-4714-9337-8ba259a9fe05'

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: namespaceName
}

resource readMetrics 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(namespace.id, principalId, monitoringReader)
  scope: namespace
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringReader)
  }
}
