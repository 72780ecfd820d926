using System.Diagnostics;
using Orderly.ConsumerPipeline;
using Orderly.Messaging.Tests.CrashHost;
using Orderly.Messaging.Tests.Pipeline;
using Orderly.Outbox;
using Microsoft.Extensions.Logging.Abstractions;

namespace Orderly.Messaging.Tests.Faults;

public sealed class RelayCrashTests
{
    private const int Orders = 50;
    private const int BatchSize = 10;
    private const int HangAfterRound = 3;

    [Fact]
    public async Task A_relay_process_killed_between_publish_and_acknowledge_loses_nothing_and_its_republished_copies_have_no_effect()
    {
        var directory = Path.Combine(Path.GetTempPath(), "orderly-crash-tests", Guid.NewGuid().ToString("N"));
        var database = Path.Combine(directory, "orderly.db");
        try
        {
            // 1. Another process commits the orders with their outbox records and relays until round 3 is published but not
            //    acknowledged; then it is killed (SIGKILL: no cleanup, no flush beyond what was committed).
            var unacknowledged = await RunCrashHostUntilKilledAsync(database);
            Assert.Equal(BatchSize, unacknowledged);

            // 2. This process opens the same file: the relay republishes what was not acknowledged (same message ids), the
            //    broker's duplicate detection is off for this queue, so the copies reach the consumer and the inbox must drop them.
            await using var h = await PipelineHarness.StartAsync(databasePath: database, topology: CrashScenario.Topology());
            Assert.Equal(Orders - (HangAfterRound - 1) * BatchSize, (await h.PendingOutboxAsync()).Count);
            var relay = new OutboxRelay(h.Outbox, new ParkedOutbox(h.Store, h.Outbox), h.Broker, new OutboxRelayOptions { BatchSize = BatchSize }, NullLogger<OutboxRelay>.Instance);
            while (await relay.PublishPendingOnceAsync() > 0) { }

            await h.ConsumeUntilAsync(() => Task.FromResult(h.Broker.ActiveMessageCount(CrashScenario.Queue) == 0));

            for (var i = 0; i < Orders; i++)
                Assert.Equal(1, (await h.EffectOfAsync(CrashScenario.OrderId(i)))?.Count);
            Assert.Equal(unacknowledged, h.Logs.Count(ConsumerPipelineLog.DuplicateDropped));
            Assert.Empty(await h.DeadLettersAsync(CrashScenario.Queue));
        }
        finally
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // A temp file left behind is harmless.
            }
        }
    }

    /// <summary>Starts the crash host, waits for its "published, not acknowledged" line, kills it; returns how many records were in that round.</summary>
    private static async Task<int> RunCrashHostUntilKilledAsync(string database)
    {
        var host = Path.Combine(AppContext.BaseDirectory, "Orderly.Messaging.Tests.CrashHost.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { host, database, Orders.ToString(), BatchSize.ToString(), HangAfterRound.ToString() }) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the crash host");
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith(CrashScenario.PublishedNotAcknowledged, StringComparison.Ordinal))
                    return int.Parse(line[(CrashScenario.PublishedNotAcknowledged.Length + 1)..]);
            }
            throw new InvalidOperationException($"The crash host ended without publishing: {await errors}");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}
