using System.Net;
using System.Text;
using Azure.Identity;
using Microsoft.Azure.Cosmos;
using Orderly.Storage.Cosmos;

namespace Orderly.Storage.Tests;

/// <summary>
/// A throw-away container (partition key /pk, TTL on) in a real account or the emulator when one is configured, else in a
/// local @zeit/cosmosdb-server that this fixture starts and stops (see <see cref="CosmosTestTarget"/>).
/// </summary>
public sealed class CosmosContainerFixture : IAsyncLifetime
{
    private LocalCosmosServer? _server;
    private CosmosClient? _client;
    private Container? _container;

    public Container Container => _container ?? throw new InvalidOperationException(CosmosTestTarget.Current.Unavailable ?? "the container was not created");

    public async Task InitializeAsync()
    {
        var target = CosmosTestTarget.Current;
        if (target.Unavailable is not null) return; // every test of the class is skipped
        var options = new CosmosClientOptions { ApplicationName = "orderly-tests", EnableContentResponseOnWrite = false };
        if (target.LocalServer is var (node, script, certificate))
        {
            _server = await LocalCosmosServer.StartAsync(node, script, certificate);
            // The local server: its gateway only, and its own self-signed certificate only (pinned, on 127.0.0.1); it takes any key.
            options.ConnectionMode = ConnectionMode.Gateway;
            options.LimitToEndpoint = true;
            options.ServerCertificateCustomValidationCallback = (cert, _, _) => _server.AcceptsCertificate(cert);
            _client = new CosmosClient(_server.Endpoint.ToString(), CosmosStoreOptions.EmulatorKey, options);
        }
        else
        {
            var endpoint = target.Endpoint!;
            var key = Environment.GetEnvironmentVariable(CosmosTestTarget.KeyVariable);
            if (endpoint.IsLoopback)
            {
                options.ConnectionMode = ConnectionMode.Gateway;
                options.LimitToEndpoint = true;
                options.ServerCertificateCustomValidationCallback = (_, _, _) => true;
                key ??= CosmosStoreOptions.EmulatorKey;
            }
            _client = string.IsNullOrEmpty(key)
                ? new CosmosClient(endpoint.ToString(), new DefaultAzureCredential(), options)
                : new CosmosClient(endpoint.ToString(), key, options);
        }
        Database database = await _client.CreateDatabaseIfNotExistsAsync("orderly-tests");
        // DefaultTimeToLive = -1: TTL on, documents without a ttl never expire (what Orderly's Bicep sets).
        _container = await database.CreateContainerIfNotExistsAsync(
            new ContainerProperties("store-" + Guid.NewGuid().ToString("N")[..12], CosmosDocument.PartitionKeyPath) { DefaultTimeToLive = -1 });
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (_container is not null) await _container.DeleteContainerAsync();
        }
        finally
        {
            _client?.Dispose();
            if (_server is not null) await _server.DisposeAsync();
        }
    }
}

/// <summary>
/// The contract on the real Cosmos DB adapter and SDK: every test against <c>ORDERLY_TEST_COSMOS_ENDPOINT</c>; without it,
/// those that @zeit/cosmosdb-server can answer against it, the others skipped with the feature the server lacks.
/// </summary>
[CosmosTarget]
public sealed class CosmosDocumentStoreTests(CosmosContainerFixture fixture) : DocumentStoreContract, IClassFixture<CosmosContainerFixture>
{
    protected override IDocumentStore Store => new CosmosDocumentStore(fixture.Container);

    // Cosmos DB's TTL runs on its own clock: wait it out (the contract then polls until the document is gone).
    protected override Task PassTimeAsync(TimeSpan duration) => Task.Delay(duration);

    protected override int ConcurrencyRounds => 10;

    /// <summary>
    /// Keeps the local server's skip reasons true: when a newer @zeit/cosmosdb-server answers one of these, this fails, and the
    /// tests skipped for it (CosmosTestTarget) should run again.
    /// </summary>
    [StoreFact]
    public async Task The_local_server_still_lacks_what_the_skipped_tests_need()
    {
        var container = fixture.Container;
        var pk = NewPartition();
        MemoryStream Item(string id, int? ttl = null) =>
            new(Encoding.UTF8.GetBytes($$"""{"id":"{{id}}","pk":"{{pk}}"{{(ttl is null ? "" : $",\"ttl\":{ttl}")}}}"""));

        using (var missing = await container.ReadItemStreamAsync("missing", new PartitionKey(pk)))
            Assert.Equal(HttpStatusCode.InternalServerError, missing.StatusCode); // Cosmos DB answers 404

        using (var a = Item("a"))
        using (var b = Item("b"))
        using (var batch = await container.CreateTransactionalBatch(new PartitionKey(pk)).CreateItemStream(a).CreateItemStream(b).ExecuteAsync())
            Assert.Equal(HttpStatusCode.InternalServerError, batch.StatusCode); // Cosmos DB commits both

        using (var page = await container.GetItemQueryStreamIterator(new QueryDefinition("SELECT * FROM c")).ReadNextAsync())
            Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode); // Cosmos DB answers a cross-partition query (the outbox feed's)

        using (var expiring = Item("expiring", ttl: 1))
        using (var created = await container.CreateItemStreamAsync(expiring, new PartitionKey(pk)))
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        using (var still = await container.ReadItemStreamAsync("expiring", new PartitionKey(pk)))
            Assert.Equal(HttpStatusCode.OK, still.StatusCode); // Cosmos DB no longer returns an item whose ttl has passed
    }
}
