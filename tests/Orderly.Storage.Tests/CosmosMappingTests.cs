using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Orderly.Storage.Cosmos;

namespace Orderly.Storage.Tests;

/// <summary>The Cosmos adapter's status mapping, document shape and configuration, without a network.</summary>
public sealed class CosmosMappingTests
{
    [Theory]
    [InlineData(404, typeof(DocumentNotFoundException))]
    [InlineData(409, typeof(DocumentConflictException))]
    [InlineData(412, typeof(ConcurrencyException))]
    [InlineData(429, typeof(StoreThrottledException))]
    [InlineData(408, typeof(StoreUnavailableException))]
    [InlineData(449, typeof(StoreUnavailableException))]
    [InlineData(500, typeof(StoreUnavailableException))]
    [InlineData(503, typeof(StoreUnavailableException))]
    [InlineData(400, typeof(InvalidOperationException))]
    [InlineData(403, typeof(InvalidOperationException))]
    [InlineData(413, typeof(InvalidOperationException))]
    public void Each_status_becomes_the_ports_exception(int status, Type expected) =>
        Assert.IsType(expected, CosmosStatusMap.ToException((HttpStatusCode)status, "a write"));

    [Fact]
    public void Transient_statuses_are_marked_transient_and_throttling_keeps_its_retry_after()
    {
        var throttled = Assert.IsType<StoreThrottledException>(CosmosStatusMap.ToException((HttpStatusCode)429, "a write", 2, TimeSpan.FromMilliseconds(250)));
        Assert.Equal(TimeSpan.FromMilliseconds(250), throttled.RetryAfter);
        Assert.True(throttled.IsTransient);
        Assert.True(((DocumentStoreException)CosmosStatusMap.ToException((HttpStatusCode)412, "x")).IsTransient);
        Assert.False(((DocumentStoreException)CosmosStatusMap.ToException((HttpStatusCode)409, "x")).IsTransient);
    }

    [Fact]
    public void The_failing_write_of_a_batch_is_the_one_not_marked_424()
    {
        var statuses = new[] { (HttpStatusCode)424, (HttpStatusCode)424, HttpStatusCode.PreconditionFailed, (HttpStatusCode)424 };
        Assert.Equal(2, CosmosStatusMap.FailingOperation(statuses));
        Assert.Equal(-1, CosmosStatusMap.FailingOperation([(HttpStatusCode)424, (HttpStatusCode)424]));
        var ex = Assert.IsType<ConcurrencyException>(CosmosStatusMap.ToException(statuses[2], "replace", 2));
        Assert.Equal(2, ex.WriteIndex);
    }

    [Fact]
    public void A_write_becomes_an_item_with_id_pk_kind_body_and_ttl()
    {
        var write = new WriteBatch("customer-1").Create("inbox:m1", "inbox", new { OrderId = "o-1", Lines = 2 }, timeToLiveSeconds: 60).Writes[0];
        using var item = CosmosDocument.ToItem("customer-1", write);
        using var json = JsonDocument.Parse(item);
        var root = json.RootElement;

        Assert.Equal(["id", "pk", "kind", "body", "ttl"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("inbox:m1", root.GetProperty("id").GetString());
        Assert.Equal("customer-1", root.GetProperty("pk").GetString());
        Assert.Equal("inbox", root.GetProperty("kind").GetString());
        Assert.Equal("o-1", root.GetProperty("body").GetProperty("orderId").GetString());
        Assert.Equal(60, root.GetProperty("ttl").GetInt32());
    }

    [Fact]
    public void A_write_without_ttl_has_no_ttl_property()
    {
        var write = new WriteBatch("p").Replace("order-1", "order", new { Status = "Pending" }, "\"e1\"").Writes[0];
        using var json = JsonDocument.Parse(CosmosDocument.ToItem("p", write));
        Assert.False(json.RootElement.TryGetProperty("ttl", out _));
    }

    [Fact]
    public async Task An_item_read_from_Cosmos_becomes_a_stored_document_with_its_etag()
    {
        const string item = """{"id":"order-1","pk":"c-1","kind":"order","body":{"status":"Pending","total":12.5},"_rid":"abc","_etag":"\"0000-1\"","_ts":1700000000}""";
        var doc = await CosmosDocument.FromStreamAsync(new MemoryStream(Encoding.UTF8.GetBytes(item)), default);

        Assert.Equal(("order-1", "c-1", "order", "\"0000-1\""), (doc.Id, doc.PartitionKey, doc.Kind, doc.ETag));
        Assert.Equal("Pending", doc.Body.GetProperty("status").GetString());
        Assert.False(doc.Body.TryGetProperty("_etag", out _));
    }

    [Fact]
    public async Task A_query_page_yields_its_documents_and_a_foreign_item_is_refused()
    {
        const string page = """{"_rid":"r","Documents":[{"id":"a","pk":"p","kind":"k","body":{},"_etag":"e1"},{"id":"b","pk":"p","kind":"k","body":{},"_etag":"e2"}],"_count":2}""";
        var docs = await CosmosDocument.FromQueryPageAsync(new MemoryStream(Encoding.UTF8.GetBytes(page)), default);
        Assert.Equal(["a", "b"], docs.Select(d => d.Id));

        using var foreign = JsonDocument.Parse("""{"id":"x","_etag":"e"}""");
        Assert.Throws<FormatException>(() => CosmosDocument.FromItem(foreign.RootElement));
    }

    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();

    [Fact]
    public void Options_take_the_functions_style_endpoint_and_the_identity_client_id()
    {
        var options = CosmosStoreOptions.FromConfiguration(Config(
            ("CosmosDBConnection:accountEndpoint", "https://orderly.documents.azure.com:443/"), ("AZURE_CLIENT_ID", "client-1")));
        Assert.Equal(("orderly.documents.azure.com", "orderly", null, "client-1", false),
            (options.AccountEndpoint.Host, options.Database, options.Key, options.ManagedIdentityClientId, options.IsLocalEmulator));
    }

    [Fact]
    public void A_key_is_refused_for_an_azure_endpoint_and_the_emulator_gets_its_well_known_key()
    {
        Assert.Throws<InvalidOperationException>(() => CosmosStoreOptions.FromConfiguration(Config(
            ("Cosmos:AccountEndpoint", "https://orderly.documents.azure.com:443/"), ("Cosmos:Key", CosmosStoreOptions.EmulatorKey))));
        Assert.Throws<InvalidOperationException>(() => CosmosStoreOptions.FromConfiguration(Config(
            ("Cosmos:AccountEndpoint", "https://localhost:8081/"), ("Cosmos:Key", "some-real-key"))));
        Assert.Throws<InvalidOperationException>(() => CosmosStoreOptions.FromConfiguration(Config()));

        var local = CosmosStoreOptions.FromConfiguration(Config(("Cosmos:AccountEndpoint", "https://localhost:8081/"), ("Cosmos:Database", "dev")));
        Assert.Equal((CosmosStoreOptions.EmulatorKey, "dev", true), (local.Key, local.Database, local.IsLocalEmulator));
    }
}
