using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Orchestrations;

namespace Orderly.Checkout.Tests;

public sealed class EmbeddedSagaRunnerTests
{
    /// <summary>What the test steps did: executions (at least once) and effects (deduplicated by key, as a real receiver would).</summary>
    private sealed class StepLog
    {
        public ConcurrentDictionary<string, int> Executions { get; } = new();
        public ConcurrentDictionary<string, int> Effects { get; } = new();
        public ConcurrentDictionary<string, bool> EffectKeys { get; } = new();
        public TaskCompletionSource Gate { get; set; } = CompletedGate();
        public int Holding;
        public int MaxHolding;

        public static TaskCompletionSource CompletedGate()
        {
            var g = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            g.SetResult();
            return g;
        }
    }

    private sealed record Plan(string EventName, int TimeoutMs, bool HoldFirstStep = false, int FailingAttempts = 0);

    private static Action<IServiceCollection> Saga(StepLog log) => services =>
    {
        services.AddSingleton(log);
        services.AddSaga<Plan, string>("Test", async (_, ctx, plan) =>
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
            var now = Interlocked.Increment(ref l.Holding);
            lock (l) l.MaxHolding = Math.Max(l.MaxHolding, now);
            try
            {
                await l.Gate.Task.WaitAsync(ct);
            }
            finally
            {
                Interlocked.Decrement(ref l.Holding);
            }
            if (l.EffectKeys.TryAdd(key, true)) l.Effects.AddOrUpdate(key, 1, (_, n) => n + 1);
            return key.ToUpperInvariant();
        });
    };

    [Fact]
    public async Task A_saga_with_steps_an_event_and_a_timer_completes()
    {
        var log = new StepLog();
        await using var h = await RunnerHarness.OpenAsync(RunnerHarness.NewPath(), Saga(log));

        Assert.True(await h.Runner.StartIfNotExistsAsync("Test", "s1", new Plan("go-1", 10_000)));
        await h.WaitForAsync("s1", s => s.CustomStatus?.GetRawText().Contains("waiting", StringComparison.Ordinal) == true);
        await h.Runner.RaiseEventAsync("s1", "go-1", "yes");
        var end = await h.WaitForEndAsync("s1");

        Assert.Equal(SagaRuntimeStatus.Completed, end.RuntimeStatus);
        Assert.Equal("S1:B:YES", RunnerHarness.Output<string>(end));
        Assert.Equal(1, log.Executions["s1:a"]);
        Assert.Contains("done", end.CustomStatus!.Value.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_store_that_fails_under_a_running_saga_delays_it_and_it_resumes_by_itself_when_the_store_is_back()
    {
        var log = new StepLog { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var h = await RunnerHarness.OpenAsync(RunnerHarness.NewPath(), Saga(log));
        await h.Runner.StartIfNotExistsAsync("Test", "s1", new Plan("go-1", 30_000, HoldFirstStep: true));
        await Eventually.TrueAsync(() => log.Holding == 1);
        await h.Runner.RaiseEventAsync("s1", "go-1", "meanwhile"); // nothing else will ever wake this saga

        // The step ends while the store refuses writes and reads: its outcome cannot be journaled, nor the saga reloaded.
        h.Database.Faults.FailFor(TimeSpan.FromSeconds(1.5));
        log.Gate.SetResult();
        await Eventually.TrueAsync(() => !h.Database.Faults.Failing, timeoutMs: 5_000); // our own status reads would fail too

        var end = await h.WaitForEndAsync("s1");
        Assert.Equal(SagaRuntimeStatus.Completed, end.RuntimeStatus);
        Assert.Equal("S1:B:MEANWHILE", RunnerHarness.Output<string>(end));
        Assert.Equal(2, log.Executions["s1:a"]); // its outcome was lost with the failed commit, so it ran again
        Assert.Equal(1, log.Effects["s1:a"]);
    }

    [Fact]
    public async Task An_event_raised_before_the_saga_waits_for_it_is_not_lost()
    {
        var log = new StepLog { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var h = await RunnerHarness.OpenAsync(RunnerHarness.NewPath(), Saga(log));

        await h.Runner.StartIfNotExistsAsync("Test", "s1", new Plan("go-1", 10_000, HoldFirstStep: true));
        await Eventually.TrueAsync(() => log.Holding == 1);
        await h.Runner.RaiseEventAsync("s1", "go-1", "early"); // the saga is still in its first step
        log.Gate.SetResult();

        var end = await h.WaitForEndAsync("s1");
        Assert.Equal("S1:B:EARLY", RunnerHarness.Output<string>(end));
    }

    [Fact]
    public async Task An_event_raised_before_the_saga_even_starts_is_kept_for_it()
    {
        var log = new StepLog();
        await using var h = await RunnerHarness.OpenAsync(RunnerHarness.NewPath(), Saga(log));

        await h.Runner.RaiseEventAsync("s1", "go-1", "first");
        await h.Runner.StartIfNotExistsAsync("Test", "s1", new Plan("go-1", 10_000));

        Assert.Equal("S1:B:FIRST", RunnerHarness.Output<string>(await h.WaitForEndAsync("s1")));
    }

    [Fact]
    public async Task A_duplicate_start_is_a_no_op()
    {
        var log = new StepLog();
        await using var h = await RunnerHarness.OpenAsync(RunnerHarness.NewPath(), Saga(log));

        Assert.True(await h.Runner.StartIfNotExistsAsync("Test", "s1", new Plan("go-1", 10_000)));
        Assert.False(await h.Runner.StartIfNotExistsAsync("Test", "s1", new Plan("other", 1)));
        await h.Runner.RaiseEventAsync("s1", "go-1", "yes");
        var end = await h.WaitForEndAsync("s1");

        Assert.Equal("S1:B:YES", RunnerHarness.Output<string>(end)); // the first input stands
        Assert.Equal(1, log.Executions["s1:a"]);
        Assert.False(await h.Runner.StartIfNotExistsAsync("Test", "s1", new Plan("go-1", 10_000)));
    }

    [Fact]
    public async Task A_timeout_fires_when_no_event_comes_and_a_late_event_changes_nothing()
    {
        var log = new StepLog();
        await using var h = await RunnerHarness.OpenAsync(RunnerHarness.NewPath(), Saga(log));

        await h.Runner.StartIfNotExistsAsync("Test", "s1", new Plan("go-1", 150));
        var end = await h.WaitForEndAsync("s1");
        await h.Runner.RaiseEventAsync("s1", "go-1", "late");

        Assert.Equal("S1:B:TIMEOUT", RunnerHarness.Output<string>(end));
        Assert.Equal(SagaRuntimeStatus.Completed, (await h.Runner.GetStatusAsync("s1"))!.RuntimeStatus);
        Assert.False(log.Executions.ContainsKey("s1:b:late"));
    }

    [Fact]
    public async Task After_a_restart_mid_saga_it_resumes_from_its_journal_and_runs_no_finished_step_again()
    {
        var log = new StepLog();
        var path = RunnerHarness.NewPath();
        await using (var first = await RunnerHarness.OpenAsync(path, Saga(log)))
        {
            first.DeleteOnDispose = false;
            await first.Runner.StartIfNotExistsAsync("Test", "s1", new Plan("go-1", 60_000));
            await first.WaitForAsync("s1", s => s.CustomStatus?.GetRawText().Contains("waiting", StringComparison.Ordinal) == true);
        }

        await using var second = await RunnerHarness.OpenAsync(path, Saga(log));
        Assert.Equal(SagaRuntimeStatus.Running, (await second.Runner.GetStatusAsync("s1"))!.RuntimeStatus);
        await second.Runner.RaiseEventAsync("s1", "go-1", "after-restart");
        var end = await second.WaitForEndAsync("s1");

        Assert.Equal("S1:B:AFTER-RESTART", RunnerHarness.Output<string>(end));
        Assert.Equal(1, log.Executions["s1:a"]); // journaled before the restart: replayed, not re-run
        Assert.Equal(1, log.Executions["s1:b:after-restart"]);
    }

    [Fact]
    public async Task A_step_cut_off_by_a_restart_runs_again_but_has_one_effect()
    {
        var log = new StepLog { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        var path = RunnerHarness.NewPath();
        await using (var first = await RunnerHarness.OpenAsync(path, Saga(log)))
        {
            first.DeleteOnDispose = false;
            await first.Runner.StartIfNotExistsAsync("Test", "s1", new Plan("go-1", 60_000, HoldFirstStep: true));
            await Eventually.TrueAsync(() => log.Holding == 1);
        } // stopped while the step runs: it is cancelled and not journaled

        log.Gate.SetResult();
        await using var second = await RunnerHarness.OpenAsync(path, Saga(log));
        await second.WaitForAsync("s1", s => s.CustomStatus?.GetRawText().Contains("waiting", StringComparison.Ordinal) == true);
        await second.Runner.RaiseEventAsync("s1", "go-1", "ok");
        await second.WaitForEndAsync("s1");

        Assert.Equal(2, log.Executions["s1:a"]); // at least once ...
        Assert.Equal(1, log.Effects["s1:a"]);    // ... one effect
    }

    [Fact]
    public async Task A_timer_survives_a_restart()
    {
        var log = new StepLog();
        var path = RunnerHarness.NewPath();
        await using (var first = await RunnerHarness.OpenAsync(path, Saga(log)))
        {
            first.DeleteOnDispose = false;
            await first.Runner.StartIfNotExistsAsync("Test", "s1", new Plan("never", 300));
            await first.WaitForAsync("s1", s => s.CustomStatus?.GetRawText().Contains("waiting", StringComparison.Ordinal) == true);
        }

        await using var second = await RunnerHarness.OpenAsync(path, Saga(log));
        Assert.Equal("S1:B:TIMEOUT", RunnerHarness.Output<string>(await second.WaitForEndAsync("s1")));
    }

    [Fact]
    public async Task No_more_sagas_run_at_once_than_the_bound_and_the_rest_wait_their_turn()
    {
        var log = new StepLog { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var h = await RunnerHarness.OpenAsync(RunnerHarness.NewPath(), Saga(log), maxConcurrentSagas: 2);

        for (var i = 1; i <= 5; i++) await h.Runner.StartIfNotExistsAsync("Test", $"s{i}", new Plan("go", 50, HoldFirstStep: true));
        await Eventually.TrueAsync(() => log.Holding == 2);
        var statuses = await Task.WhenAll(Enumerable.Range(1, 5).Select(i => h.Runner.GetStatusAsync($"s{i}")));
        Assert.Equal(2, statuses.Count(s => s!.RuntimeStatus == SagaRuntimeStatus.Running));
        Assert.Equal(3, statuses.Count(s => s!.RuntimeStatus == SagaRuntimeStatus.Pending));

        log.Gate.SetResult();
        foreach (var i in Enumerable.Range(1, 5)) Assert.Equal(SagaRuntimeStatus.Completed, (await h.WaitForEndAsync($"s{i}")).RuntimeStatus);
        Assert.Equal(2, log.MaxHolding);
        Assert.True(h.Runner.MaxObservedConcurrency <= 2);
    }

    [Fact]
    public async Task A_saga_admitted_when_another_finishes_does_not_run_in_the_finished_sagas_trace()
    {
        var traces = new ConcurrentDictionary<string, string>();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await RunnerHarness.OpenAsync(RunnerHarness.NewPath(), services =>
        {
            services.AddSaga<string, string>("Traced", async (_, ctx, id) => await ctx.CallStepAsync<string>("Observe", id));
            services.AddSagaActivity<string, string>("Observe", async (_, id, _) =>
            {
                traces[id] = System.Diagnostics.Activity.Current?.TraceId.ToHexString() ?? "none";
                if (id == "first") await gate.Task;
                return id;
            });
        }, maxConcurrentSagas: 1);

        using var source = new System.Diagnostics.ActivitySource("orderly-test");
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = s => s == source,
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllData,
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        string firstTrace;
        using (var first = source.StartActivity("first")!)
        {
            firstTrace = first.TraceId.ToHexString();
            await h.Runner.StartIfNotExistsAsync("Traced", "first", "first");
        }
        await Eventually.TrueAsync(() => traces.ContainsKey("first"));
        using (source.StartActivity("second")) await h.Runner.StartIfNotExistsAsync("Traced", "second", "second"); // waits: the bound is 1

        // The first saga finishes in its own trace (its step's), which frees the slot the second one waits for.
        gate.SetResult();
        Assert.Equal(SagaRuntimeStatus.Completed, (await h.WaitForEndAsync("first")).RuntimeStatus);
        Assert.Equal(SagaRuntimeStatus.Completed, (await h.WaitForEndAsync("second")).RuntimeStatus);

        Assert.Equal(firstTrace, traces["first"]); // a started saga runs in its starter's trace: the probe sees flow
        Assert.NotEqual(firstTrace, traces["second"]);
    }

    [Fact]
    public async Task A_step_that_keeps_failing_is_retried_per_its_policy_then_reported_to_the_saga()
    {
        var attempts = 0;
        await using var h = await RunnerHarness.OpenAsync(RunnerHarness.NewPath(), services =>
        {
            services.AddSaga<string, string>("Failing", async (_, ctx, _) =>
            {
                try
                {
                    return await ctx.CallStepAsync<string>("Boom", "x", new StepRetryPolicy(3, TimeSpan.FromMilliseconds(5)));
                }
                catch (StepFailedException ex)
                {
                    return $"failed: {ex.ErrorType}: {ex.ErrorMessage}";
                }
            });
            services.AddSagaActivity<string, string>("Boom", (_, _, _) =>
            {
                Interlocked.Increment(ref attempts);
                throw new InvalidOperationException("bus down");
            });
        });

        await h.Runner.StartIfNotExistsAsync("Failing", "f1", "x");
        var end = await h.WaitForEndAsync("f1");

        Assert.Equal("failed: System.InvalidOperationException: bus down", RunnerHarness.Output<string>(end));
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task A_saga_whose_code_throws_ends_Failed_with_the_error()
    {
        await using var h = await RunnerHarness.OpenAsync(RunnerHarness.NewPath(), services =>
            services.AddSaga<string, string>("Broken", (_, _, _) => throw new InvalidOperationException("bug in saga")));

        await h.Runner.StartIfNotExistsAsync("Broken", "b1", "x");
        var end = await h.WaitForEndAsync("b1");

        Assert.Equal(SagaRuntimeStatus.Failed, end.RuntimeStatus);
        Assert.Contains("bug in saga", end.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_saga_that_awaits_outside_its_context_is_failed_instead_of_hanging()
    {
        await using var h = await RunnerHarness.OpenAsync(RunnerHarness.NewPath(), services =>
            services.AddSaga<string, string>("Sleepy", async (_, _, _) =>
            {
                await Task.Delay(TimeSpan.FromMinutes(5)); // forbidden in a saga: not durable, not replayable
                return "never";
            }));

        await h.Runner.StartIfNotExistsAsync("Sleepy", "z1", "x");
        var end = await h.WaitForEndAsync("z1");

        Assert.Equal(SagaRuntimeStatus.Failed, end.RuntimeStatus);
        Assert.Contains("not a saga action", end.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_safe_logging_writes_each_line_once_although_the_saga_runs_again_and_again()
    {
        var log = new CapturingLoggerFactory();
        await using var h = await RunnerHarness.OpenAsync(RunnerHarness.NewPath(), services =>
        {
            services.AddSingleton<Microsoft.Extensions.Logging.ILoggerFactory>(log);
            services.AddSaga<string, string>("Chatty", async (_, ctx, _) =>
            {
                var logger = ctx.CreateReplaySafeLogger("Chatty");
                Microsoft.Extensions.Logging.LoggerExtensions.LogInformation(logger, "line 1");
                await ctx.CallStepAsync<string>("Echo", "a");
                Microsoft.Extensions.Logging.LoggerExtensions.LogInformation(logger, "line 2");
                await ctx.DelayAsync(TimeSpan.FromMilliseconds(10));
                Microsoft.Extensions.Logging.LoggerExtensions.LogInformation(logger, "line 3");
                await ctx.CallStepAsync<string>("Echo", "b");
                Microsoft.Extensions.Logging.LoggerExtensions.LogInformation(logger, "line 4");
                return "ok";
            });
            services.AddSagaActivity<string, string>("Echo", (_, s, _) => Task.FromResult(s));
        });

        await h.Runner.StartIfNotExistsAsync("Chatty", "c1", "x");
        await h.WaitForEndAsync("c1");

        var lines = log.Entries.Where(e => e.Message.StartsWith("line ", StringComparison.Ordinal)).Select(e => e.Message).ToList();
        Assert.Equal(["line 1", "line 2", "line 3", "line 4"], lines);
    }

    [Fact]
    public async Task Status_of_an_unknown_instance_is_null()
    {
        await using var h = await RunnerHarness.OpenAsync(RunnerHarness.NewPath(), _ => { });
        Assert.Null(await h.Runner.GetStatusAsync("nope"));
    }
}
