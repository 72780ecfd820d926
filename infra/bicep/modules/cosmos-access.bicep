// One app's Cosmos DB data-plane role (Built-in Data Contributor), scoped to each of the given containers only:
// its own container and `leases` (change-feed checkpoints of its outbox relay).
param accountName string
param databaseName string
param principalId string
param containers string[]

var dataContributor = '00000000-0000-0000-0000-000000000002'

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' existing = {
  name: accountName
}

// Cosmos DB processes SQL role assignments on one account one at a time (main.bicep serializes the modules too).
@batchSize(1)
resource containerAccess 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-05-15' = [for container in containers: {
  parent: account
  name: guid(account.id, principalId, databaseName, container)
  properties: {
    principalId: principalId
    roleDefinitionId: '${account.id}/sqlRoleDefinitions/${dataContributor}'
    scope: '${account.id}/dbs/${databaseName}/colls/${container}'
  }
}]
