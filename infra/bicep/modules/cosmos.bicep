// Cosmos DB for NoSQL, serverless, keys disabled. One database, a container per context (partition key /pk, TTL on
// but per item: -1 means nothing expires unless a document sets ttl), and `leases` for the change-feed relays (/id).
// Data-plane RBAC cannot create containers, so all of them are created here, never by the apps.
param location string
param tags object
param accountName string
param databaseName string
param containers string[]

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: accountName
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    disableLocalAuth: true
    capabilities: [ { name: 'EnableServerless' } ]
    consistencyPolicy: { defaultConsistencyLevel: 'Session' }
    locations: [ { locationName: location, failoverPriority: 0, isZoneRedundant: false } ]
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-05-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: { id: databaseName }
  }
}

resource contextContainers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15' = [for name in containers: {
  parent: database
  name: name
  properties: {
    resource: {
      id: name
      partitionKey: { paths: [ '/pk' ], kind: 'Hash' }
      defaultTtl: -1
    }
  }
}]

resource leases 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15' = {
  parent: database
  name: 'leases'
  properties: {
    resource: {
      id: 'leases'
      partitionKey: { paths: [ '/id' ], kind: 'Hash' }
    }
  }
}

output name string = account.name
output endpoint string = account.properties.documentEndpoint
