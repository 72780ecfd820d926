using Azure.Identity;
using Microsoft.Azure.Cosmos;

namespace Orderly.Storage.Cosmos;

/// <summary>Builds the one CosmosClient an app keeps for its lifetime: managed identity in Azure, the emulator key locally.</summary>
public static class CosmosClientFactory
{
    public static CosmosClient Create(CosmosStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // No serializer is configured: the store only uses the stream APIs and writes its JSON itself.
        var clientOptions = new CosmosClientOptions { ApplicationName = "orderly", EnableContentResponseOnWrite = false };
        if (options.IsLocalEmulator)
        {
            // The emulator serves a self-signed certificate and is reached through its gateway only.
            clientOptions.ConnectionMode = ConnectionMode.Gateway;
            clientOptions.LimitToEndpoint = true;
            clientOptions.ServerCertificateCustomValidationCallback = (_, _, _) => true;
            return new CosmosClient(options.AccountEndpoint.ToString(), options.Key ?? CosmosStoreOptions.EmulatorKey, clientOptions);
        }
        var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = options.ManagedIdentityClientId });
        return new CosmosClient(options.AccountEndpoint.ToString(), credential, clientOptions);
    }

    /// <summary>The container of a context in the configured database.</summary>
    public static Container Container(CosmosClient client, CosmosStoreOptions options, string containerName)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        return client.GetContainer(options.Database, containerName);
    }
}
