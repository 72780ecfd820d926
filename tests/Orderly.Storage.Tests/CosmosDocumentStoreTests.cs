using Azure.Identity;
using Microsoft.Azure.Cosmos;
using Orderly.Storage.Cosmos;

namespace Orderly.Storage.Tests;

/// <summary>A throw-away container (partition key /pk, TTL on) in a real account or the emulator, when one is configured.</summary>
public sealed class CosmosContainerFixture : IAsyncLifetime
{
    public const string EndpointVariable = "ORDERLY_TEST_COSMOS_ENDPOINT";
    private CosmosClient? _client;
    private Container? _container;

    public Container Container => _container ?? throw new InvalidOperationException($"{EndpointVariable} is not set.");

    public async Task InitializeAsync()
    {
        var endpoint = Environment.GetEnvironmentVariable(EndpointVariable);
        if (string.IsNullOrEmpty(endpoint)) return; // every test of the class is skipped
        var key = Environment.GetEnvironmentVariable("ORDERLY_TEST_COSMOS_KEY");
        var options = new CosmosClientOptions { ApplicationName = "orderly-tests", EnableContentResponseOnWrite = false };
        if (new Uri(endpoint).IsLoopback)
        {
            options.ConnectionMode = ConnectionMode.Gateway;
            options.LimitToEndpoint = true;
            options.ServerCertificateCustomValidationCallback = (_, _, _) => true;
            key ??= CosmosStoreOptions.EmulatorKey;
        }
        _client = string.IsNullOrEmpty(key) ? new CosmosClient(endpoint, new DefaultAzureCredential(), options) : new CosmosClient(endpoint, key, options);
        Database database = await _client.CreateDatabaseIfNotExistsAsync("orderly-tests");
        // DefaultTimeToLive = -1: TTL on, documents without a ttl never expire (what Orderly's Bicep sets).
        _container = await database.CreateContainerIfNotExistsAsync(
            new ContainerProperties("store-" + Guid.NewGuid().ToString("N")[..12], CosmosDocument.PartitionKeyPath) { DefaultTimeToLive = -1 });
    }

    public async Task DisposeAsync()
    {
        if (_container is not null) await _container.DeleteContainerAsync();
        _client?.Dispose();
    }
}

[RequiresEnvironment(CosmosContainerFixture.EndpointVariable, "no Cosmos DB endpoint configured (set ORDERLY_TEST_COSMOS_ENDPOINT)")]
public sealed class CosmosDocumentStoreTests(CosmosContainerFixture fixture) : DocumentStoreContract, IClassFixture<CosmosContainerFixture>
{
    protected override IDocumentStore Store => new CosmosDocumentStore(fixture.Container);

    // Cosmos DB's TTL runs on its own clock: wait it out (the contract then polls until the document is gone).
    protected override Task PassTimeAsync(TimeSpan duration) => Task.Delay(duration);

    protected override int ConcurrencyRounds => 10;
}
