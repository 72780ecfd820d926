using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Orchestrations;

namespace Orderly.Checkout.Tests;

/// <summary>What the test saga's steps did: executions (at least once) and effects (deduplicated by key, as a real receiver would).</summary>
public sealed class StepLog
{
    public ConcurrentDictionary<string, int> Executions { get; } = new();
    public ConcurrentDictionary<string, int> Effects { get; } = new();
    public ConcurrentDictionary<string, bool> EffectKeys { get; } = new();

    /// <summary>The <c>Hold</c> step waits for this before it finishes (already open unless a test closes it).</summary>
    public TaskCompletionSource Gate { get; init; } = Open();

    private readonly Lock _gate = new();
    private int _holding;
    private int _maxHolding;

    /// <summary>How many <c>Hold</c> steps are waiting at the gate now, and the most there ever were at once.</summary>
    public int Holding => Volatile.Read(ref _holding);

    public int MaxHolding => Volatile.Read(ref _maxHolding);

    public void Enter()
    {
        var now = Interlocked.Increment(ref _holding);
        lock (_gate) _maxHolding = Math.Max(_maxHolding, now);
    }

    public void Leave() => Interlocked.Decrement(ref _holding);

    public static TaskCompletionSource Closed() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static TaskCompletionSource Open()
    {
        var g = Closed();
        g.SetResult();
        return g;
    }
}

/// <summary>What one run of the test saga waits for: its event, how long, and whether its first step is held at the gate.</summary>
public sealed record Plan(string EventName, int TimeoutMs, bool HoldFirstStep = false);

/// <summary>
/// A small saga over every action a runtime offers: a retried step, a published status, an event against a timeout, a
/// durable delay, a second step. Its output names what it received (<c>S1:B:YES</c>, <c>S1:B:TIMEOUT</c>).
/// </summary>
public static class TestSaga
{
    public const string Name = "Test";

    public static Action<IServiceCollection> Register(StepLog log) => services =>
    {
        services.AddSingleton(log);
        services.AddSaga<Plan, string>(Name, async (_, ctx, plan) =>
        {
            ctx.SetCustomStatus(new { step = "a" });
            var a = await ctx.CallStepAsync<string>(plan.HoldFirstStep ? "Hold" : "Record", $"{ctx.InstanceId}:a", new StepRetryPolicy(3, TimeSpan.FromMilliseconds(10)));
            ctx.SetCustomStatus(new { step = "waiting", a });
            var e = await ctx.WaitForEventAsync<string>(plan.EventName, TimeSpan.FromMilliseconds(plan.TimeoutMs));
            await ctx.DelayAsync(TimeSpan.FromMilliseconds(20));
            var b = await ctx.CallStepAsync<string>("Record", $"{ctx.InstanceId}:b:{(e.TimedOut ? "timeout" : e.Payload)}");
            ctx.SetCustomStatus(new { step = "done" });
            return b;
        });
        services.AddSagaActivity<string, string>("Record", (sp, key, _) =>
        {
            var l = sp.GetRequiredService<StepLog>();
            l.Executions.AddOrUpdate(key, 1, (_, n) => n + 1);
            if (l.EffectKeys.TryAdd(key, true)) l.Effects.AddOrUpdate(key, 1, (_, n) => n + 1);
            return Task.FromResult(key.ToUpperInvariant());
        });
        services.AddSagaActivity<string, string>("Hold", async (sp, key, ct) =>
        {
            var l = sp.GetRequiredService<StepLog>();
            l.Executions.AddOrUpdate(key, 1, (_, n) => n + 1);
            l.Enter();
            try
            {
                await l.Gate.Task.WaitAsync(ct);
            }
            finally
            {
                l.Leave();
            }
            if (l.EffectKeys.TryAdd(key, true)) l.Effects.AddOrUpdate(key, 1, (_, n) => n + 1);
            return key.ToUpperInvariant();
        });
    };

    /// <summary>The status the saga publishes while it waits for its event.</summary>
    public static bool IsWaiting(SagaInstanceStatus s) => s.CustomStatus?.GetRawText().Contains("waiting", StringComparison.Ordinal) == true;
}
