using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orderly.Contracts;
using Orderly.Embedded;
using Orderly.Embedded.Broker;
using Orderly.Hosting;
using Orderly.Hosting.Access;
using Orderly.Hosting.DeadLetters;
using Orderly.Messaging;
using Orderly.Operations;

namespace Orderly.Console.Tests;

/// <summary>
/// The operations Function App as its triggers map it (functions/operations/Orderly.Operations.Functions/OperationsHttp.cs: each
/// route of <see cref="OperationsModule.Routes"/> a call into the operations core), in a plain ASP.NET Core host, because the
/// Functions host does not run on this machine. Its settings are the app's own: <c>Auth__*</c> trust the local host's dev issuer
/// by its OpenID metadata (as the app trusts Entra ID), <c>Console__AppInsightsResourceId</c> names an Application Insights
/// resource, and <c>Operations__AppUrls</c> sends the console's reads to the local host, except shipping's, which go to an app
/// whose authentication refuses every token (as App Service Authentication with another audience would). Dead letters come from
/// an embedded broker of its own, where Azure has Service Bus.
/// </summary>
public sealed class AzureOperationsHost : IAsyncDisposable
{
    /// <summary>The Application Insights resource the console links traces to (no such resource exists; only the link is checked).</summary>
    public const string AppInsightsResourceId =
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-orderly/providers/Microsoft.Insights/components/appi-orderly";

    /// <summary>The Service Bus namespace whose depths the recorded Azure Monitor answers for.</summary>
    public const string NamespaceId = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-orderly/providers/Microsoft.ServiceBus/namespaces/sb-orderly";

    /// <summary>What the recorded Azure Monitor answer says is waiting on payments-commands (and 1 dead letter there).</summary>
    public const int PaymentsCommandsWaiting = 7;

    /// <summary>The app whose authentication refuses the forwarded token.</summary>
    public const string RefusingApp = "shipping";

    private readonly WebApplication _app;
    private readonly WebApplication _refusing;
    private readonly SqliteDatabase _database;
    private readonly string _folder;

    private AzureOperationsHost(WebApplication app, WebApplication refusing, SqliteDatabase database, string folder, string deadLetterId)
    {
        _app = app;
        _refusing = refusing;
        _database = database;
        _folder = folder;
        DeadLetterId = deadLetterId;
        BaseUrl = new Uri(app.Urls.Single() + "/");
    }

    public Uri BaseUrl { get; }

    /// <summary>The one dead letter in this app's queue (a malformed payments command).</summary>
    public string DeadLetterId { get; }

    /// <summary>Starts the app in front of <paramref name="localHost"/>, with one dead letter waiting.</summary>
    public static async Task<AzureOperationsHost> StartAsync(Uri localHost)
    {
        var refusing = await StartRefusingAppAsync();
        var folder = Path.Combine(Path.GetTempPath(), "orderly-operations-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        var database = new SqliteDatabase(Path.Combine(folder, "service-bus.db"));
        var broker = await EmbeddedBroker.OpenAsync(database, EmbeddedBrokerTopology.FromDestinations());
        var deadLetterId = await DeadLetterOneAsync(broker);

        var apps = new[] { "orders", "inventory", "payments", "notifications", "checkout" }
            .Select(name => new { name, url = localHost.ToString().TrimEnd('/') })
            .Append(new { name = RefusingApp, url = refusing.Urls.Single() });
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth:Issuer"] = "orderly-local-host",
            ["Auth:Audience"] = "api://orderly",
            ["Auth:MetadataAddress"] = new Uri(localHost, ".well-known/openid-configuration").ToString(),
            [ConsoleConfig.AppInsightsResourceIdKey] = AppInsightsResourceId,
            [AppUrls.Key] = JsonSerializer.Serialize(apps),
        });
        var services = builder.Services;
        services.AddOrderlyHttpDefaults();
        services.AddAccessGate(_ => new BearerTokens(AccessOptions.From(builder.Configuration)));
        services.AddSingleton<IDeadLetterQueue>(new EmbeddedDeadLetterQueue(broker));
        services.AddSingleton(ConsoleConfig.ForAzure(builder.Configuration));
        services.AddSingleton(TimeProvider.System);
        AppReads.AddAppReads(services, builder.Configuration);
        // Azure Monitor does not run here: its answer, in the documented shape, comes from a handler of the test's own.
        services.AddSingleton(sp => new ServiceBusMetrics(new HttpClient(new RecordedAzureMonitor()), _ => ValueTask.FromResult("app-token"),
            NamespaceId, sp.GetRequiredService<TimeProvider>()));

        var app = builder.Build();
        app.UseOrderlyDefaults();
        app.UseAccessGate();
        MapAsTheFunctionAppDoes(app);
        app.MapOrderlyHealth();
        app.RequireRoutePolicies();
        await app.StartAsync();
        return new AzureOperationsHost(app, refusing, database, folder, deadLetterId);
    }

    /// <summary>Each route to what its trigger in OperationsHttp.cs calls, with the same arguments.</summary>
    private static void MapAsTheFunctionAppDoes(WebApplication app)
    {
        var routes = OperationsModule.Routes.All.ToDictionary(r => r.Name);
        void Map(string name, Delegate handler) => app.MapApi(routes[name], handler);

        Map("ConsolePage", () => ConsoleEndpoints.File(null));
        Map("ConsoleConfig", (ConsoleConfig console) => ConsoleEndpoints.Config(console));
        Map("ConsoleFile", (string? path) => ConsoleEndpoints.File(path));
        Map("ListDeadLetters", (HttpRequest req, IDeadLetterQueue deadLetters, TimeProvider time, CancellationToken ct) =>
            DeadLetterEndpoints.List(deadLetters, time, req.Query["entity"], req.Query["status"], req.Query["reason"],
                req.Query["minAgeSeconds"], req.Query["maxAgeSeconds"], ct));
        Map("ResubmitDeadLetters", (HttpRequest req, IDeadLetterQueue deadLetters, TimeProvider time, CancellationToken ct) =>
            DeadLetterEndpoints.ResubmitMatching(req, deadLetters, time, req.HttpContext.User, ct));
        Map("ShowDeadLetter", (IDeadLetterQueue deadLetters, string id, CancellationToken ct) => DeadLetterEndpoints.Show(deadLetters, id, ct));
        Map("ResubmitDeadLetter", (HttpRequest req, IDeadLetterQueue deadLetters, string id, CancellationToken ct) =>
            DeadLetterEndpoints.Resubmit(req, deadLetters, req.HttpContext.User, id, req.Query["note"], ct));
        Map("IgnoreDeadLetter", (HttpRequest req, IDeadLetterQueue deadLetters, string id, CancellationToken ct) =>
            DeadLetterEndpoints.Ignore(req, deadLetters, req.HttpContext.User, id, ct));
        Map("QueueDepths", (IEnumerable<ServiceBusMetrics> metrics, CancellationToken ct) => QueueDepthEndpoints.Read(metrics.SingleOrDefault(), ct));
        Map("SearchOrders", (HttpRequest req, AppReads reads, CancellationToken ct) => reads.ForwardAsync(req, "orders", ct));
        Map("GetOrder", (HttpRequest req, AppReads reads, CancellationToken ct) => reads.ForwardAsync(req, "orders", ct));
        Map("GetCustomerOrders", (HttpRequest req, AppReads reads, CancellationToken ct) => reads.ForwardAsync(req, "orders", ct));
        Map("GetCheckout", (HttpRequest req, AppReads reads, CancellationToken ct) => reads.ForwardAsync(req, "checkout", ct));
        Map("ContextHealth", (HttpRequest req, AppReads reads, string context, CancellationToken ct) => reads.HealthAsync(req, context, ct));
        var unmapped = OperationsModule.Routes.All.Select(r => r.Name).Except(((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints)
            .Select(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName)).ToList();
        if (unmapped.Count > 0) throw new InvalidOperationException($"Routes of the operations app not mapped here: {string.Join(", ", unmapped)}");
    }

    /// <summary>A malformed command, received and dead-lettered as the consumer would, so the queue has one letter to show.</summary>
    private static async Task<string> DeadLetterOneAsync(EmbeddedBroker broker)
    {
        await broker.SendAsync([new BrokerMessage(Destinations.PaymentsCommands, "azure-mode-" + Guid.NewGuid().ToString("N")[..8],
            Encoding.UTF8.GetBytes("{ \"not\": json"), new Dictionary<string, string>())]);
        var received = Assert.Single(await broker.ReceiveAsync(Destinations.PaymentsCommands, 1));
        await received.Settlement.DeadLetterAsync(ContractViolationReason.MalformedJson, "the body is not JSON");
        var queue = new EmbeddedDeadLetterQueue(broker);
        return Assert.Single(await queue.ListAsync()).Id;
    }

    /// <summary>An app whose authentication refuses every token, as App Service Authentication does: 401, an empty body, and why in WWW-Authenticate.</summary>
    private static async Task<WebApplication> StartRefusingAppAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(http =>
        {
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            http.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\", error_description=\"The audience 'api://orderly' is invalid\"";
            return Task.CompletedTask;
        });
        await app.StartAsync();
        return app;
    }

    /// <summary>Azure Monitor's Metrics - List answer for the namespace, in its documented shape, the newest minute measured now.</summary>
    private sealed class RecordedAzureMonitor : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var minute = DateTime.UtcNow.AddMinutes(-1).ToString("yyyy-MM-ddTHH:mm:00Z", System.Globalization.CultureInfo.InvariantCulture);
            string Series(string entity, int value) =>
                $$"""{"metadatavalues":[{"name":{"value":"entityname","localizedValue":"entityname"},"value":"{{entity}}"}],"data":[{"timeStamp":"{{minute}}","maximum":{{value}}.0}]}""";
            var body = $$"""
                {"cost":0,"interval":"PT1M","value":[
                  {"name":{"value":"ActiveMessages"},"unit":"Count","timeseries":[{{Series("payments-commands", PaymentsCommandsWaiting)}},{{Series("orders-events", 0)}}]},
                  {"name":{"value":"DeadletteredMessages"},"unit":"Count","timeseries":[{{Series("payments-commands", 1)}}]}],
                 "namespace":"Microsoft.ServiceBus/namespaces"}
                """;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _refusing.DisposeAsync();
        await _database.DisposeAsync();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
