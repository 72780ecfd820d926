using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orderly.Checkout.Saga;
using Orderly.ConsumerPipeline;
using Orderly.Contracts;
using Orderly.Embedded;
using Orderly.Messaging;
using Orderly.Orchestrations;
using Orderly.Orchestrations.Embedded;
using Orderly.Storage;

namespace Orderly.Checkout.Tests;

/// <summary>
/// The checkout module on the embedded runner, with scripted base services behind a fake bus: commands the saga publishes
/// are answered by the script and the replies go through the checkout's own reply handlers, as the pipeline would deliver them.
/// </summary>
public sealed class CheckoutHost : IAsyncDisposable, IMessagePublisher
{
    private readonly ConcurrentBag<Task> _deliveries = [];

    private CheckoutHost(string path, Func<CheckoutCommand, Answer> script, IDictionary<string, string?> settings, ILoggerFactory? loggers)
    {
        Path = path;
        Script = script;
        Database = new SqliteDatabase(path);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        if (loggers is not null) services.AddSingleton(loggers);
        services.AddCheckoutContext(configuration);
        services.AddSingleton<IMessagePublisher>(this);
        services.AddEmbeddedSagaRunner(_ => Database, o => o.TimerPollInterval = TimeSpan.FromMilliseconds(100));
        Services = services.BuildServiceProvider();
        Runner = Services.GetRequiredService<EmbeddedSagaRunner>();
    }

    public string Path { get; }
    public SqliteDatabase Database { get; }
    public ServiceProvider Services { get; }
    public EmbeddedSagaRunner Runner { get; }
    public Func<CheckoutCommand, Answer> Script { get; }

    /// <summary>Every command published, in order (shared across restarts when passed in).</summary>
    public ConcurrentQueue<Envelope> Published { get; private set; } = new();

    public static async Task<CheckoutHost> StartAsync(string path, Func<CheckoutCommand, Answer> script, IDictionary<string, string?>? settings = null,
        ConcurrentQueue<Envelope>? published = null, ILoggerFactory? loggers = null)
    {
        var host = new CheckoutHost(path, script, settings ?? new Dictionary<string, string?>(), loggers);
        if (published is not null) host.Published = published;
        await host.Runner.StartAsync(CancellationToken.None);
        return host;
    }

    public Task PublishAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken = default)
    {
        foreach (var m in messages)
        {
            Published.Enqueue(m.Envelope);
            var e = m.Envelope;
            var answer = Script(new CheckoutCommand(e.Id, m.Destination, e.Type, e.Data, e.CorrelationId, e.CausationId, e.TraceParent, e.ReplyTo!));
            if (answer is ReplyAnswer r) _deliveries.Add(Task.Run(() => DeliverAsync(e.ReplyTo!, ReplyTo(e, r.Reply)), CancellationToken.None));
        }
        return Task.CompletedTask;
    }

    public static Envelope ReplyTo(Envelope command, object reply) =>
        EnvelopeJson.Create(reply, "reply-" + command.Id, "/test/base-service", DateTimeOffset.UtcNow, command.CorrelationId, causationId: command.Id);

    /// <summary>Delivers a message to the checkout handler registered for its type on <paramref name="entity"/> (what the pipeline does).</summary>
    public async Task DeliverAsync(string entity, Envelope envelope)
    {
        var definition = MessageCatalog.Find(envelope.Type)!;
        var message = EnvelopeJson.ReadData(envelope);
        var handlerType = typeof(IMessageHandler<>).MakeGenericType(definition.ClrType);
        await using var scope = Services.CreateAsyncScope();
        var handler = scope.ServiceProvider.GetRequiredKeyedService(handlerType, ConsumerRegistration.BindingKey(entity, definition.Name));
        var partition = (string)handlerType.GetMethod(nameof(IMessageHandler<object>.PartitionKeyFor))!.Invoke(handler, [message])!;
        var context = new MessageContext(envelope, null!, new WriteBatch(partition),
            Services.GetRequiredKeyedService<EnvelopeFactory>(CheckoutModule.Name), NullLogger.Instance);
        // Not wrapped: a handler's refusal (PermanentFailureException, which the pipeline dead-letters) reaches the test as itself.
        await (Task)handlerType.GetMethod(nameof(IMessageHandler<object>.HandleAsync))!
            .Invoke(handler, BindingFlags.DoNotWrapExceptions, null, [message, context, CancellationToken.None], null)!;
    }

    public async Task<SagaInstanceStatus> WaitForEndAsync(string instanceId)
    {
        using var cts = new CancellationTokenSource(10_000);
        while (true)
        {
            var s = await Runner.GetStatusAsync(instanceId);
            if (s is { RuntimeStatus: SagaRuntimeStatus.Completed or SagaRuntimeStatus.Failed }) return s;
            if (cts.IsCancellationRequested) throw new TimeoutException($"checkout {instanceId} did not end: {s?.CustomStatus}");
            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Runner.DisposeAsync();
        await Task.WhenAll(_deliveries).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        await Services.DisposeAsync();
        await Database.DisposeAsync();
        if (DeleteOnDispose) RunnerHarness.DeleteFiles(Path);
    }

    /// <summary>False for a host whose file a later one reopens (restart tests).</summary>
    public bool DeleteOnDispose { get; set; } = true;
}
