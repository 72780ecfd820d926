// Whoever runs `azd up` (principalId: a person, or a pipeline's service principal) may triage dead letters and inspect
// data while developing. Broader than any app's access on purpose; main.bicep grants it only when principalId is set.
param principalId string
@allowed([ 'User', 'ServicePrincipal' ])
@description('What azd reports principalId to be (AZURE_PRINCIPAL_TYPE); Azure refuses an assignment naming the wrong type.')
param principalType string
param serviceBusNamespaceName string
param cosmosAccountName string

var serviceBusDataOwner = '090c5cfd-751d-490a-894a-3ce6f1109419'
var cosmosDataContributor = '00000000-0000-0000-0000-000000000002'

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusNamespaceName
}

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' existing = {
  name: cosmosAccountName
}

resource triage 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(namespace.id, principalId, serviceBusDataOwner)
  scope: namespace
  properties: {
    principalId: principalId
    principalType: principalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', serviceBusDataOwner)
  }
}

resource data 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-05-15' = {
  parent: account
  name: guid(account.id, principalId, cosmosDataContributor)
  properties: {
    principalId: principalId
    roleDefinitionId: '${account.id}/sqlRoleDefinitions/${cosmosDataContributor}'
    scope: account.id
  }
}
