using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orderly.Checkout.Saga;
using Orderly.ConsumerPipeline;
using Orderly.Contracts;
using Orderly.Messaging;
using Orderly.Orchestrations;
using Orderly.Storage;

namespace Orderly.Checkout.Tests;

/// <summary>
/// The checkout module on a saga runtime, with scripted base services behind a fake bus: commands the saga publishes are
/// answered by the script and the replies go through the checkout's own reply handlers, as the pipeline would deliver them.
/// </summary>
public sealed class CheckoutHost : IAsyncDisposable, IMessagePublisher
{
    private readonly ConcurrentBag<Task> _deliveries = [];
    private readonly ConcurrentDictionary<string, int> _sendAttempts = new();

    private CheckoutHost(TestSagaRuntime runtime, Func<CheckoutCommand, Answer> script, IDictionary<string, string?> settings, ILoggerFactory? loggers)
    {
        Runtime = runtime;
        Script = script;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        if (loggers is not null) services.AddSingleton(loggers);
        services.AddCheckoutContext(configuration);
        services.AddSingleton<IMessagePublisher>(this);
        runtime.AddTo(services);
        Services = services.BuildServiceProvider();
        Sagas = Services.GetRequiredService<ISagaStatusReader>();
    }

    public TestSagaRuntime Runtime { get; }
    public ServiceProvider Services { get; }
    public Func<CheckoutCommand, Answer> Script { get; }

    /// <summary>The runtime's status port, as <c>GET /api/checkout/{orderId}</c> reads it.</summary>
    public ISagaStatusReader Sagas { get; }

    /// <summary>Every command published, in order (shared across restarts when passed in).</summary>
    public ConcurrentQueue<Envelope> Published { get; private set; } = new();

    /// <summary>The queue each published message id was sent to.</summary>
    public ConcurrentDictionary<string, string> DestinationOf { get; } = new();

    /// <summary>How often the bus was asked to send each message id (a failed send counts; the runtime retries it).</summary>
    public IReadOnlyDictionary<string, int> SendAttempts => _sendAttempts;

    public static Task<CheckoutHost> StartAsync(SagaRuntimeKind kind, Func<CheckoutCommand, Answer> script, IDictionary<string, string?>? settings = null,
        ILoggerFactory? loggers = null) =>
        StartAsync(TestSagaRuntime.Create(kind), script, settings, loggers: loggers);

    public static async Task<CheckoutHost> StartAsync(TestSagaRuntime runtime, Func<CheckoutCommand, Answer> script, IDictionary<string, string?>? settings = null,
        ConcurrentQueue<Envelope>? published = null, ILoggerFactory? loggers = null)
    {
        var host = new CheckoutHost(runtime, script, settings ?? new Dictionary<string, string?>(), loggers);
        if (published is not null) host.Published = published;
        await runtime.StartAsync(host.Services, loggers);
        return host;
    }

    public Task PublishAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken = default)
    {
        foreach (var m in messages)
        {
            var e = m.Envelope;
            var attempt = _sendAttempts.AddOrUpdate(e.Id, 1, (_, n) => n + 1);
            var answer = Script(new CheckoutCommand(e.Id, m.Destination, e.Type, e.Data, e.CorrelationId, e.CausationId, e.TraceParent, e.ReplyTo!));
            if (answer is FlakySendAnswer flaky) answer = attempt <= flaky.Failures ? Answer.SendFails : flaky.Then;
            if (answer is SendFailsAnswer fails) throw new TimeoutException($"{fails.Error} (send {attempt} of {e.Id})");
            DestinationOf[e.Id] = m.Destination;
            Published.Enqueue(e);
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

    public Task<SagaInstanceStatus> WaitForEndAsync(string instanceId) => Sagas.WaitForEndAsync(instanceId);

    public async ValueTask DisposeAsync()
    {
        await Runtime.DisposeAsync();
        await Task.WhenAll(_deliveries).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        await Services.DisposeAsync();
    }
}
