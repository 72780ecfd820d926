using Microsoft.Extensions.Configuration;

namespace Orderly.Storage.Cosmos;

/// <summary>Where the Cosmos DB account is, from configuration (12-factor: environment variables in Azure).</summary>
public sealed record CosmosStoreOptions(Uri AccountEndpoint, string Database, string? Key = null, string? ManagedIdentityClientId = null)
{
    /// <summary>The emulator's published, well-known key: the only key Orderly accepts, and only for a local endpoint.</summary>
    public const string EmulatorKey = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

    /// <summary>True for the local emulator (localhost or a loopback address).</summary>
    public bool IsLocalEmulator => AccountEndpoint.IsLoopback;

    /// <summary>
    /// Reads <c>Cosmos:AccountEndpoint</c> (or the Functions-style <c>CosmosDBConnection__accountEndpoint</c>),
    /// <c>Cosmos:Database</c> (default "orderly"), <c>Cosmos:Key</c> (emulator only) and <c>AZURE_CLIENT_ID</c> (user-assigned identity).
    /// </summary>
    public static CosmosStoreOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var endpoint = configuration["Cosmos:AccountEndpoint"] ?? configuration["CosmosDBConnection:accountEndpoint"];
        if (string.IsNullOrWhiteSpace(endpoint) || !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
            throw new InvalidOperationException("Cosmos:AccountEndpoint (or CosmosDBConnection__accountEndpoint) must be set to the account's https URL.");
        var key = configuration["Cosmos:Key"];
        if (!string.IsNullOrEmpty(key) && (!uri.IsLoopback || key != EmulatorKey))
            throw new InvalidOperationException("Cosmos:Key is accepted only for the local emulator (its well-known key on localhost); in Azure Orderly signs in with its managed identity.");
        var clientId = configuration["AZURE_CLIENT_ID"];
        return new CosmosStoreOptions(uri, configuration["Cosmos:Database"] is { Length: > 0 } db ? db : "orderly",
            uri.IsLoopback ? EmulatorKey : null, string.IsNullOrEmpty(clientId) ? null : clientId);
    }
}
