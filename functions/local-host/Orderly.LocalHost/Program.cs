using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Orderly.Checkout;
using Orderly.ConsumerPipeline;
using Orderly.Embedded;
using Orderly.Embedded.Broker;
using Orderly.Embedded.Store;
using Orderly.Hosting;
using Orderly.Hosting.Access;
using Orderly.Inventory;
using Orderly.LocalHost;
using Orderly.LocalHost.ApiDocuments;
using Orderly.LocalHost.DevTokens;
using Orderly.Messaging;
using Orderly.Notifications;
using Orderly.Orchestrations.Embedded;
using Orderly.Orders;
using Orderly.Outbox;
using Orderly.Payments;
using Orderly.Resilience;
using Orderly.Shipping;
using Orderly.Storage;

// The whole shop in one process: every context's routes and handlers, the checkout saga, and SQLite-backed stand-ins for
// Cosmos DB (store + change feed), Service Bus (broker + dead letters) and Durable Functions (saga runner).
var builder = WebApplication.CreateBuilder(args);
builder.AddOrderlyDefaults();
var dataPath = LocalHostSettings.Apply(builder);
var configuration = builder.Configuration;
Directory.CreateDirectory(dataPath);

// Tokens: the host's own dev issuer, unless Auth__MetadataAddress names a real one (Entra ID) to trust instead.
var devTokens = DevTokenIssuer.OpenOrCreate(dataPath);
var issueDevTokens = LocalHostSettings.DevTokensEnabled(configuration, out var devTokensOffLoopback);
builder.Services.AddSingleton(devTokens);
builder.Services.AddAccessGate(_ => string.IsNullOrWhiteSpace(configuration["Auth:MetadataAddress"])
    ? devTokens.Validator()
    : new BearerTokens(AccessOptions.From(configuration)));

// One file holds everything; opening the broker makes messages a killed process had locked deliverable again.
var database = new SqliteDatabase(Path.Combine(dataPath, "orderly.db"));
var entitySettings = new EntitySettings(
    configuration.GetValue("Messaging:LockDuration", TimeSpan.FromSeconds(30)),
    configuration.GetValue("Messaging:MaxDeliveryCount", 10),
    configuration.GetValue("Messaging:DuplicateDetectionWindow", TimeSpan.FromMinutes(10)));
var broker = await EmbeddedBroker.OpenAsync(database, EmbeddedBrokerTopology.FromDestinations(entitySettings));

var services = builder.Services;
services.AddSingleton(database);
services.AddSingleton(broker);
services.AddSingleton<IMessagePublisher>(broker);
services.AddSingleton<IMessageReceiver>(broker);
services.AddSingleton<IDeadLetterQueue>(new EmbeddedDeadLetterQueue(broker));
services.AddSingleton<ShopCounters>();
services.AddSingleton(TimeProvider.System);
services.AddSingleton(new BackgroundLoops(TimeProvider.System)); // every loop below reports here; health reads it
foreach (var container in ShopContexts.Containers)
    services.AddKeyedSingleton<IDocumentStore>(container, new EmbeddedDocumentStore(database, container));

services.AddOrdersContext(configuration);
services.AddInventoryContext(configuration);
// Embedded mode is development: the simulated provider unless a setting says otherwise (in Azure it must be chosen).
Orderly.Payments.Provider.PaymentProviders.DefaultToSimulated(configuration);
services.AddPaymentsContext(configuration);
services.AddShippingContext(configuration);
services.AddNotificationsContext(configuration);
services.AddCheckoutContext(configuration);
services.AddConsumerPipeline(configuration);

// Hosted services stop in reverse order: consumers (registered last) stop taking messages and finish in-flight ones first,
// then the saga runner, then the relays.
foreach (var container in ShopContexts.Containers)
    services.AddOutboxRelay(_ => new EmbeddedOutboxFeed(database, container), name: $"outbox relay {container}");
services.AddSagaEngine(configuration, database, dataPath);
services.AddSingleton<MessageConsumers>();
services.AddHostedService(sp => sp.GetRequiredService<MessageConsumers>());

services.AddHealthChecks()
    .AddCheck<StoreHealthCheck>("store")
    .AddCheck<BrokerHealthCheck>("broker")
    .AddCheck<RelayHealthCheck>("relay")
    .AddCheck<SagaEngineHealthCheck>("saga-runner")
    .AddCheck<BackgroundLoopsHealthCheck>("loops");

// One OpenAPI document per context and the operator's, and the interactive reference over them.
services.AddApiDocuments();

var app = builder.Build();
app.UseOrderlyDefaults();
app.UseAccessGate();
app.MapOrderlyHealth();
app.MapApiDocuments();
app.MapDevTokens(issueDevTokens);
app.MapOrdersApi();
app.MapInventoryApi();
app.MapPaymentsApi();
app.MapShippingApi();
app.MapNotificationsApi();
app.MapCheckoutApi();
app.MapDeadLetterTriage();
app.MapStats();
app.RequireRoutePolicies();

try
{
    // Before the server answers, so the first health check already sees the catalog.
    var loaded = await SampleCatalog.LoadAsync(app.Services, CancellationToken.None);
    await app.StartAsync();
    ParentProcessWatch.StopWithParent(configuration, app.Lifetime, app.Logger);

    var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
    var url = addresses.FirstOrDefault() ?? LocalHostSettings.DefaultUrl;
    if (devTokensOffLoopback)
        app.Logger.LogWarning("LocalHost__DevTokens=true on a non-loopback address: anyone who reaches {Url}/api/dev/token can mint any role's token", url);
    Console.WriteLine($"""
        Orderly local host (embedded mode) listening on {string.Join(", ", addresses)}
          data:          {database.Path}
          contexts:      {string.Join(", ", ShopContexts.Containers)}
          sagas:         {SagaEngine.Describe(app.Services)}
          consumers:     {string.Join(", ", app.Services.GetRequiredService<MessageConsumers>().Entities)}
          catalog:       {(loaded.Count > 0 ? "loaded " + string.Join(", ", loaded) : "already there")}
          health:        {url}/api/health
          reference:     {url}{ApiDocumentSet.ReferencePath} (interactive; documents at {url}/openapi/<context>.json and admin.json)
          dead letters:  {url}/api/admin/dead-letters (operator)
          tokens:        {(issueDevTokens ? $"POST {url}/api/dev/token {{\"subject\":\"ada\",\"roles\":[\"customer\"]}}" : "dev tokens off (not loopback); set LocalHost__DevTokens=true to force")}
        Press Ctrl+C to stop (in-flight work finishes; anything unfinished resumes on the next start).
        """);
    await app.WaitForShutdownAsync();
    Console.WriteLine("Orderly local host stopped: consumers drained, sagas journaled; unfinished work resumes on the next start.");
}
finally
{
    await app.DisposeAsync();
    await database.DisposeAsync();
}
