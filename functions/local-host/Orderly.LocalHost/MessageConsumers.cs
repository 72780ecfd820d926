using Orderly.ConsumerPipeline;
using Pipeline = Orderly.ConsumerPipeline.ConsumerPipeline;
using Orderly.Embedded.Broker;
using Orderly.Messaging.Tracing;
using Orderly.Resilience;
using Orderly.Settings;

namespace Orderly.LocalHost;

/// <summary>
/// One <see cref="EmbeddedConsumer"/> per queue or subscription that some handler listens on, each feeding the consumer
/// pipeline. Stopping lets in-flight messages finish; anything not settled is redelivered on the next start.
/// </summary>
public sealed class MessageConsumers(
    EmbeddedBroker broker,
    Pipeline pipeline,
    IConfiguration configuration,
    BackgroundLoops loops,
    ILoggerFactory loggers) : BackgroundService
{
    // Read when the host resolves this, before it starts, so a bad value stops the start.
    private readonly int _maxConcurrency = configuration.ReadInt("Messaging:Consumer:MaxConcurrency", 16, least: 1);

    /// <summary>The entities being consumed (for health and the startup banner).</summary>
    public IReadOnlyList<string> Entities => pipeline.Entities;

    /// <summary>True once every consumer loop is running.</summary>
    public bool Running { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = new EmbeddedConsumerOptions
        {
            MaxConcurrency = _maxConcurrency,
            IdleWait = TimeSpan.FromSeconds(5),
        };
        var consumers = pipeline.Entities.Select(entity => new EmbeddedConsumer(broker, entity, async (locked, ct) =>
        {
            await pipeline.ProcessAsync(entity, locked.Message, locked.Settlement, ct).ConfigureAwait(false);
            OrderlyMetrics.MessageHandled(entity);
        }, options, loggers.CreateLogger<EmbeddedConsumer>(), loops.For("consumer " + entity))).ToList();
        Running = true;
        try
        {
            await Task.WhenAll(consumers.Select(c => c.RunAsync(stoppingToken))).ConfigureAwait(false);
        }
        finally
        {
            Running = false;
        }
    }
}
