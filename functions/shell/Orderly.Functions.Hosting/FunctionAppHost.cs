using Azure.Identity;
using Azure.Monitor.OpenTelemetry.AspNetCore;
using Microsoft.Azure.Cosmos;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Orderly.ConsumerPipeline;
using Orderly.Functions.Http;
using Orderly.Hosting;
using Orderly.Hosting.Access;
using Orderly.Messaging;
using Orderly.Messaging.ServiceBus;
using Orderly.Messaging.Tracing;
using Orderly.Outbox;
using Orderly.Storage;
using Orderly.Storage.Cosmos;

namespace Orderly.Functions.Hosting;

/// <summary>The wiring every context Function App shares; the app adds its context module and triggers.</summary>
public static class FunctionAppHost
{
    /// <summary>
    /// Makes the app an ASP.NET Core-integrated Functions app whose HTTP functions sit behind the access gate, each by its row of
    /// <paramref name="routes"/>, and answer a store failure as the local host does (503, Retry-After), and registers, for the context <paramref name="contextName"/> (= its Cosmos container and DI key): the keyed
    /// <see cref="IDocumentStore"/> over Cosmos DB, the consumer pipeline, the Service Bus publisher and dead-letter triage
    /// over <paramref name="consumedEntities"/>, the change-feed outbox relay, health checks (Cosmos DB, Service Bus), and OpenTelemetry to
    /// Application Insights when a connection string is set. Identity-based throughout (see docs/azure-shell.md).
    /// </summary>
    public static FunctionsApplicationBuilder AddOrderlyFunctionApp(this FunctionsApplicationBuilder builder, string contextName,
        IReadOnlyList<string> consumedEntities, IEnumerable<ApiRoute> routes)
    {
        builder.ConfigureFunctionsWebApplication();
        builder.AddRouteAccess(routes);
        // The local host's HTTP answers (problem details, the store's 503), run on a function's exception; not AddOrderlyDefaults
        // whole, whose console logging would replace the worker's log channel to the Functions host.
        builder.Services.AddOrderlyHttpDefaults();
        builder.UseMiddleware<ExceptionAnswerMiddleware>();
        var services = builder.Services;
        var cosmos = CosmosStoreOptions.FromConfiguration(builder.Configuration);
        services.AddSingleton(_ => CosmosClientFactory.Create(cosmos));
        services.AddKeyedSingleton(contextName, (sp, _) => CosmosClientFactory.Container(sp.GetRequiredService<CosmosClient>(), cosmos, contextName));
        services.AddKeyedSingleton<IDocumentStore>(contextName, (sp, key) => new CosmosDocumentStore(sp.GetRequiredKeyedService<Container>(key)));

        services.AddConsumerPipeline(builder.Configuration);
        services.AddOrderlyServiceBus(builder.Configuration);
        services.AddServiceBusDeadLetterTriage(contextName, consumedEntities);
        services.AddSingleton<ServiceBusConsumer>();

        // In Azure the change-feed trigger pushes outbox records to the relay; the polling feed only acknowledges (deletes) and
        // lists parked records, which are parked through the store port in their own partition.
        var relayOptions = new OutboxRelayOptions().ReadFrom(builder.Configuration.GetSection(OutboxRelayOptions.Section));
        services.AddSingleton(sp =>
        {
            var feed = new CosmosOutboxFeed(sp.GetRequiredKeyedService<Container>(contextName));
            var parked = new ParkedOutbox(sp.GetRequiredKeyedService<IDocumentStore>(contextName), feed, sp.GetService<TimeProvider>());
            return new OutboxChangeFeed(new OutboxRelay(feed, parked, sp.GetRequiredService<IMessagePublisher>(), relayOptions,
                sp.GetRequiredService<ILogger<OutboxRelay>>()));
        });

        var health = services.AddHealthChecks().AddTypeActivatedCheck<StoreHealthCheck>("cosmos", contextName);
        if (consumedEntities.Count > 0) health.AddTypeActivatedCheck<ServiceBusHealthCheck>("servicebus", consumedEntities[0]);

        if (!string.IsNullOrEmpty(builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]))
        {
            // App Insights has local auth off: the exporter signs in with the app's identity (Monitoring Metrics Publisher).
            var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = builder.Configuration["AZURE_CLIENT_ID"] });
            // UseAzureMonitor extends OpenTelemetryBuilder, UseFunctionsWorkerDefaults returns IOpenTelemetryBuilder: this order.
            services.AddOpenTelemetry()
                .UseAzureMonitor(o => o.Credential = credential)
                .UseFunctionsWorkerDefaults()
                // The same span sources and meter the local host exports over OTLP (docs/telemetry.md), to Application Insights here.
                .WithTracing(t => t.AddSource([.. OrderlyTelemetry.SourceNames, "Azure.Messaging.ServiceBus.*"]))
                .WithMetrics(m => m.AddMeter(OrderlyMetrics.MeterName));
        }
        return builder;
    }
}
