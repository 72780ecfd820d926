// Storage for the Functions runtime (AzureWebJobsStorage: leases, timers, Durable task hub for checkout) and for
// Flex Consumption deployment packages. Shared keys are off: every app reaches it with its identity.
param location string
param tags object
param accountName string
param deploymentContainers string[]

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: accountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    defaultToOAuthAuthentication: true
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [for name in deploymentContainers: {
  parent: blobs
  name: name
}]

output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
