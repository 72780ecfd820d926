using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Orderly.Checkout;
using Orderly.ConsumerPipeline;
using Orderly.Embedded;
using Orderly.Embedded.Broker;
using Orderly.Embedded.Store;
using Orderly.Hosting;
using Orderly.Hosting.Access;
using Orderly.Hosting.DeadLetters;
using Orderly.Hosting.OperationCounting;
using Orderly.Inventory;
using Orderly.LocalHost;
using Orderly.LocalHost.ApiDocuments;
using Orderly.LocalHost.DevTokens;
using Orderly.LocalHost.Faults;
using Orderly.LocalHost.Metrics;
using Orderly.Messaging;
using Orderly.Notifications;
using Orderly.Orchestrations.Embedded;
using Orderly.Orders;
using Orderly.Outbox;
using Orderly.Payments;
using Orderly.Resilience;
using Orderly.Settings;
using Orderly.Shipping;
using Orderly.Storage;

// The whole shop in one process: every context's routes and handlers, the checkout saga, and SQLite-backed stand-ins for
// Cosmos DB (store + change feed), Service Bus (broker + dead letters) and Durable Functions (saga runner).
// `--reset` starts afresh: the data folder is emptied once this host holds it.
try
{
    var reset = args.Contains(LocalHostSettings.ResetArgument);
    // Settings are read once at start, so the host watches no configuration file: by default it would watch the working
    // folder (the content root) and every folder under it, which from a repository's root cost 20-35 ms of CPU at start and one
    // inotify watch per folder, of a per-user limit that hosts started side by side by the tests share.
    var builder = WebApplication.CreateBuilder([LocalHostSettings.NoConfigurationReload, .. args.Where(a => a != LocalHostSettings.ResetArgument)]);
    builder.AddOrderlyDefaults();
    var otlpEndpoint = builder.AddOtlpExport();
    var dataPath = LocalHostSettings.Apply(builder);
    var configuration = builder.Configuration;
    // The broker's own settings, as Service Bus has them per entity (before the data folder is held: a bad one stops nothing half-open).
    var entitySettings = new EntitySettings(
        configuration.ReadDuration("Messaging:LockDuration", TimeSpan.FromSeconds(30)),
        configuration.ReadInt("Messaging:MaxDeliveryCount", 10, least: 1),
        configuration.ReadDuration("Messaging:DuplicateDetectionWindow", TimeSpan.FromMinutes(10)));
    var issueDevTokens = LocalHostSettings.DevTokensEnabled(configuration, out var devTokensOffLoopback);
    var faultInjection = LocalHostSettings.FaultInjectionEnabled(configuration);
    DataFolder dataFolder;
    try
    {
        dataFolder = DataFolder.Hold(dataPath, LocalHostSettings.ListenUrls(configuration), reset);
    }
    catch (StartupRefusedException refused)
    {
        return StartupRefusal.Report(refused.Message);
    }
    if (LocalHostSettings.FirstBusyAddress(configuration) is { } busyAddress)
    {
        dataFolder.Dispose();
        return StartupRefusal.Report(StartupRefusal.AddressInUse(busyAddress));
    }

    // Tokens: the host's own dev issuer, unless Auth__MetadataAddress names a real one (Entra ID) to trust instead.
    var devTokens = DevTokenIssuer.OpenOrCreate(dataPath);
    builder.Services.AddSingleton(devTokens);
    builder.Services.AddAccessGate(_ => string.IsNullOrWhiteSpace(configuration["Auth:MetadataAddress"])
        ? devTokens.Validator()
        : new BearerTokens(AccessOptions.From(configuration)));

    // One file holds everything; opening the broker makes messages a killed process had locked deliverable again.
    var database = new SqliteDatabase(Path.Combine(dataPath, "orderly.db"));
    var broker = await EmbeddedBroker.OpenAsync(database, EmbeddedBrokerTopology.FromDestinations(entitySettings));

    var services = builder.Services;
    // Billable operations, counted at the ports' edges (store, publisher, outbox feed, settlements) for the cost benchmark.
    var operations = new OperationCounts();
    services.AddSingleton(operations);
    services.AddSingleton(database);
    services.AddSingleton(broker);
    var publisher = new CountingPublisher(broker, operations);
    services.AddSingleton<IMessagePublisher>(publisher);
    services.AddSingleton<IMessageReceiver>(broker);
    // Triage sees the broker's dead letters and every context's parked outbox records as one list.
    services.AddSingleton<IDeadLetterQueue>(sp => new DeadLetterQueues(
        [new EmbeddedDeadLetterQueue(broker), .. ShopContexts.Containers.Select(c => sp.GetRequiredKeyedService<ParkedOutbox>(c))]));
    // The Orderly meter, read in process (the console's plots, stats) whether or not an exporter is configured.
    services.AddSingleton(sp => new MetricsWindow(sp.GetRequiredService<TimeProvider>()));
    services.AddSingleton<BrokerGauges>();
    services.AddSingleton(TimeProvider.System);
    var loops = new BackgroundLoops(TimeProvider.System); // every loop below reports here; health reads it
    services.AddSingleton(loops);
    foreach (var container in ShopContexts.Containers)
        services.AddKeyedSingleton<IDocumentStore>(container, new CountingDocumentStore(new EmbeddedDocumentStore(database, container), operations));

    services.AddOrdersContext(configuration);
    services.AddInventoryContext(configuration);
    // Embedded mode is development: the simulated provider unless a setting says otherwise (in Azure it must be chosen).
    Orderly.Payments.Provider.PaymentProviders.DefaultToSimulated(configuration);
    // The fault suite's seams, off unless asked for: the provider payments reaches can then be made unreachable for a while.
    if (faultInjection)
    {
        var outage = new FaultWindow(TimeProvider.System);
        services.AddKeyedSingleton<Orderly.Payments.Provider.IPaymentProvider>(PaymentsModule.Name,
            new PaymentProviderOutage(new Orderly.Payments.Provider.SimulatedPaymentProvider(), outage));
        services.AddSingleton(new FaultInjection(database, broker, outage));
    }
    services.AddPaymentsContext(configuration);
    services.AddShippingContext(configuration);
    services.AddNotificationsContext(configuration);
    services.AddCheckoutContext(configuration);
    services.AddConsumerPipeline(configuration);

    // Hosted services stop in reverse order: consumers (registered last) stop taking messages and finish in-flight ones first,
    // then the saga runner, then the relays.
    var relayOptions = new OutboxRelayOptions().ReadFrom(configuration.GetSection(OutboxRelayOptions.Section));
    foreach (var container in ShopContexts.Containers)
        services.AddOutboxRelay(container, _ => new CountingOutboxFeed(new EmbeddedOutboxFeed(database, container), operations), relayOptions);
    services.AddSagaEngine(configuration, database, dataPath, publisher.Sent);
    services.AddSingleton<MessageConsumers>();
    services.AddHostedService(sp => sp.GetRequiredService<MessageConsumers>());

    services.AddHealthChecks()
        .AddCheck<StoreHealthCheck>("store")
        .AddCheck<BrokerHealthCheck>("broker")
        .AddCheck<RelayHealthCheck>("relay")
        .AddCheck<SagaEngineHealthCheck>("saga-runner")
        .AddCheck("loops", new BackgroundLoopsHealthCheck(loops, TimeProvider.System, configuration));

    // One OpenAPI document per context and the operator's, and the interactive reference over them.
    services.AddApiDocuments();

    var app = builder.Build();
    // The settings read when a service is first resolved are read now, before the host starts, so a bad one stops the start.
    _ = app.Services.GetRequiredService<MessageConsumers>();
    _ = app.Services.GetRequiredService<SubjectRateLimits>();
    // Listening before any order can be placed; the gauges exist before anyone collects.
    _ = app.Services.GetRequiredService<MetricsWindow>();
    _ = app.Services.GetRequiredService<BrokerGauges>();
    app.UseOrderlyDefaults();
    app.UseAccessGate();
    app.MapOrderlyHealth();
    app.MapApiDocuments();
    app.MapOperationsConsole(devSignIn: issueDevTokens);
    app.MapDevTokens(issueDevTokens);
    app.MapOrdersApi();
    app.MapInventoryApi();
    app.MapPaymentsApi();
    app.MapShippingApi();
    app.MapNotificationsApi();
    app.MapCheckoutApi();
    app.MapDeadLetterTriage();
    app.MapStats();
    app.MapOperationCounts();
    app.MapMetrics();
    app.MapFaultInjection(faultInjection);
    app.RequireRoutePolicies();

    try
    {
        // Before the server answers, so the first health check already sees the catalog.
        var loaded = await SampleCatalog.LoadAsync(app.Services, CancellationToken.None);
        try
        {
            await app.StartAsync();
        }
        catch (IOException busy) when (busy.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            return StartupRefusal.Report(StartupRefusal.AddressInUse(LocalHostSettings.ListenUrls(configuration)));
        }
        ParentProcessWatch.StopWithParent(configuration, app.Lifetime, app.Logger);

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var url = addresses.FirstOrDefault() ?? LocalHostSettings.DefaultUrl;
        if (faultInjection)
            app.Logger.LogWarning("LocalHost__FaultInjection=true: an operator can make the store, the broker and the payment provider fail through {Url}/api/admin/faults", url);
        if (devTokensOffLoopback)
            app.Logger.LogWarning("LocalHost__DevTokens=true on a non-loopback address: anyone who reaches {Url}/api/dev/token can mint any role's token", url);
        // For people: on standard output, unless the logs are JSON lines there (then standard output stays pure JSON).
        var say = OrderlyDefaults.WritesJsonLogs(configuration) ? Console.Error : Console.Out;
        say.WriteLine($"""
            Orderly local host (embedded mode) listening on {string.Join(", ", addresses)}
              data:          {dataFolder.Path} (kept between runs; start with --reset to begin afresh)
              contexts:      {string.Join(", ", ShopContexts.Containers)}
              sagas:         {SagaEngine.Describe(app.Services)}
              consumers:     {string.Join(", ", app.Services.GetRequiredService<MessageConsumers>().Entities)}
              catalog:       {(loaded.Count > 0 ? "loaded " + string.Join(", ", loaded) : "already there")}
              console:       {url}/ (operations: orders and their checkout, dead letters, system; operator sign-in)
              health:        {url}/api/health
              reference:     {url}{ApiDocumentSet.ReferencePath} (interactive; documents at {url}/openapi/<context>.json and admin.json)
              dead letters:  {url}/api/admin/dead-letters (operator)
              telemetry:     {(otlpEndpoint is null ? $"metrics at {url}/api/admin/metrics (operator); OTLP export off (set {OtlpExport.EndpointVariable})" : $"OTLP export to {otlpEndpoint}")}
              faults:        {(faultInjection ? $"INJECTION ON: POST {url}/api/admin/faults (operator): {string.Join(", ", FaultKinds.All)} (LocalHost__FaultInjection=true)" : "off")}
              tokens:        {(issueDevTokens ? $"POST {url}/api/dev/token {{\"subject\":\"ada\",\"roles\":[\"customer\"]}}" : "dev tokens off (not loopback); set LocalHost__DevTokens=true to force")}
            Press Ctrl+C to stop (in-flight work finishes; anything unfinished resumes on the next start).
            """);
        await app.WaitForShutdownAsync();
        say.WriteLine("Orderly local host stopped: consumers drained, sagas journaled; unfinished work resumes on the next start.");
        return 0;
    }
    finally
    {
        await app.DisposeAsync();
        await database.DisposeAsync();
        dataFolder.Dispose();
    }
}
catch (SettingException bad)
{
    // A setting present but wrong is the operator's to fix, not a bug: one line naming it, exit 1, no stack trace.
    return StartupRefusal.Report(bad.Message);
}
