using System.Text.Json;
using System.Diagnostics;
using Orderly.Contracts;
using Orderly.Contracts.Tests;

namespace Orderly.Benchmarks;

/// <summary>
/// What reading a received message costs the consumer, on one thread, per message: the envelope parse, the schema check
/// of its data, the data's deserialization, and the three together as the pipeline runs them. Over one valid envelope of
/// every contract, after a warm-up long enough for the JIT's last tier; prints µs per message of the fastest and of the
/// median pass (the fastest is the one least disturbed by other work on the machine) and the bytes allocated per message
/// (which do not depend on the machine's load).
/// <c>-- messages [--rounds 2000] [--warmup-seconds 3]</c>.
/// </summary>
public static class MessagesBenchmark
{
    public static Task<int> RunAsync(string[] args)
    {
        var line = new CommandLine("messages", "the cost of reading a received message: parse, schema check, deserialize", args);
        var rounds = line.Int("--rounds", 2000, "passes over the envelopes (one of every contract) per step");
        var warmup = line.Int("--warmup-seconds", 3, "seconds of warm-up per step before it is timed", least: 0);
        if (line.Stop(out var exit)) return Task.FromResult(exit);

        var at = new DateTimeOffset(2026, 11, 22, 9, 30, 0, TimeSpan.Zero);
        var bodies = ContractSamples.All
            .Select((m, i) => EnvelopeJson.Serialize(EnvelopeJson.Create(m, $"msg-{i}", "/orderly/bench", at, "ord-1",
                traceParent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", replyTo: "bench-replies")))
            .ToArray();
        var envelopes = bodies.Select(b => EnvelopeJson.Parse(b)).ToArray();
        var definitions = envelopes.Select(e => MessageCatalog.Find(e.Type)!).ToArray();

        Console.WriteLine($"messages benchmark: {bodies.Length} contracts x {rounds} rounds per step, {Environment.ProcessorCount} cores, " +
                          $"load average {StartupBenchmark.LoadAverage()}");
        Console.WriteLine($"  {"step",-34} {"best us/msg",12} {"median us/msg",14} {"bytes/message",14}");
        Step("envelope parse", i => EnvelopeJson.Parse(bodies[i]));
        Step("schema check (valid data)", i => ContractSchemas.Validate(definitions[i], envelopes[i].Data));
        Step("deserialize", i => envelopes[i].Data.Deserialize(definitions[i].ClrType, MessageCatalog.JsonOptions));
        Step("read: parse + check + deserialize", i => EnvelopeJson.ReadData(EnvelopeJson.Parse(bodies[i])));
        return Task.FromResult(0);

        void Step(string name, Func<int, object?> read)
        {
            var warm = Stopwatch.StartNew();
            do Pass(read); while (warm.Elapsed.TotalSeconds < warmup);
            var passes = new double[rounds];
            var bytesBefore = GC.GetAllocatedBytesForCurrentThread();
            for (var r = 0; r < rounds; r++)
            {
                var started = Stopwatch.GetTimestamp();
                Pass(read);
                passes[r] = Stopwatch.GetElapsedTime(started).TotalMicroseconds / bodies.Length;
            }
            var bytes = GC.GetAllocatedBytesForCurrentThread() - bytesBefore;
            Array.Sort(passes);
            Console.WriteLine($"  {name,-34} {passes[0],12:F2} {passes[rounds / 2],14:F2} {bytes / ((double)rounds * bodies.Length),14:F0}");
        }

        void Pass(Func<int, object?> read)
        {
            for (var i = 0; i < bodies.Length; i++)
                if (read(i) is null) throw new InvalidOperationException($"step returned nothing for {envelopes[i].Type}");
        }
    }
}
