using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orderly.Orchestrations;

namespace Orderly.Checkout.Tests;

/// <summary>
/// What every saga runtime must do alike, run once per runtime (<see cref="EmbeddedSagaRunnerTests"/>,
/// <see cref="DurableTaskRuntimeTests"/>). What only one runtime does, and where they differ, is in those classes
/// (orchestrations/README.md, "Where the runtimes differ").
/// </summary>
public abstract class SagaRuntimeContract
{
    protected abstract SagaRuntimeKind Runtime { get; }

    protected Task<SagaHarness> StartAsync(StepLog log, ILoggerFactory? loggers = null) => SagaHarness.StartAsync(Runtime, TestSaga.Register(log), loggers);

    protected Task<SagaHarness> StartAsync(Action<IServiceCollection> configure, ILoggerFactory? loggers = null) =>
        SagaHarness.StartAsync(Runtime, configure, loggers);

    [Fact]
    public async Task A_saga_with_steps_an_event_and_a_timer_completes()
    {
        var log = new StepLog();
        await using var h = await StartAsync(log);

        Assert.True(await h.StartAsync(TestSaga.Name, "s1", new Plan("go-1", 10_000)));
        await h.WaitForAsync("s1", TestSaga.IsWaiting);
        await h.RaiseAsync("s1", "go-1", "yes");
        var end = await h.WaitForEndAsync("s1");

        Assert.Equal(SagaRuntimeStatus.Completed, end.RuntimeStatus);
        Assert.Equal("S1:B:YES", SagaHarness.Output<string>(end));
        Assert.Equal(1, log.Executions["s1:a"]);
        Assert.Equal("""{"step":"done"}""", end.CustomStatus!.Value.GetRawText());
        Assert.Equal(TestSaga.Name, end.Name);
    }

    [Fact]
    public async Task An_event_raised_before_the_saga_waits_for_it_is_not_lost()
    {
        var log = new StepLog { Gate = StepLog.Closed() };
        await using var h = await StartAsync(log);

        await h.StartAsync(TestSaga.Name, "s1", new Plan("go-1", 10_000, HoldFirstStep: true));
        await Eventually.TrueAsync(() => log.Holding == 1);
        await h.RaiseAsync("s1", "go-1", "early"); // the saga is still in its first step
        log.Gate.SetResult();

        Assert.Equal("S1:B:EARLY", SagaHarness.Output<string>(await h.WaitForEndAsync("s1")));
    }

    [Fact]
    public async Task A_duplicate_start_is_a_no_op_and_the_first_input_stands()
    {
        var log = new StepLog();
        await using var h = await StartAsync(log);

        Assert.True(await h.StartAsync(TestSaga.Name, "s1", new Plan("go-1", 10_000)));
        Assert.False(await h.StartAsync(TestSaga.Name, "s1", new Plan("other", 1)));
        await h.WaitForAsync("s1", TestSaga.IsWaiting);
        await h.RaiseAsync("s1", "go-1", "yes");
        var end = await h.WaitForEndAsync("s1");

        Assert.Equal("S1:B:YES", SagaHarness.Output<string>(end));
        Assert.Equal(1, log.Executions["s1:a"]);
        Assert.False(await h.StartAsync(TestSaga.Name, "s1", new Plan("go-1", 10_000))); // an ended instance is not started again
    }

    [Fact]
    public async Task A_timeout_fires_when_no_event_comes_and_a_late_event_changes_nothing()
    {
        var log = new StepLog();
        await using var h = await StartAsync(log);

        await h.StartAsync(TestSaga.Name, "s1", new Plan("go-1", 150));
        var end = await h.WaitForEndAsync("s1");
        await h.RaiseAsync("s1", "go-1", "late");

        Assert.Equal("S1:B:TIMEOUT", SagaHarness.Output<string>(end));
        var after = await h.StatusAsync("s1");
        Assert.Equal(SagaRuntimeStatus.Completed, after!.RuntimeStatus);
        Assert.Equal(end.Output!.Value.GetRawText(), after.Output!.Value.GetRawText());
        Assert.False(log.Executions.ContainsKey("s1:b:late"));
    }

    [Fact]
    public async Task A_step_that_keeps_failing_is_retried_per_its_policy_then_reported_to_the_saga()
    {
        var attempts = 0;
        await using var h = await StartAsync(services =>
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

        await h.StartAsync("Failing", "f1", "x");
        var end = await h.WaitForEndAsync("f1");

        Assert.Equal("failed: System.InvalidOperationException: bus down", SagaHarness.Output<string>(end));
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task A_saga_whose_code_throws_ends_Failed_with_the_error()
    {
        await using var h = await StartAsync(services =>
            services.AddSaga<string, string>("Broken", (_, _, _) => throw new InvalidOperationException("bug in saga")));

        await h.StartAsync("Broken", "b1", "x");
        var end = await h.WaitForEndAsync("b1");

        Assert.Equal(SagaRuntimeStatus.Failed, end.RuntimeStatus);
        Assert.Contains("bug in saga", end.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_safe_logging_writes_each_line_once_although_the_saga_runs_again_and_again()
    {
        var log = new CapturingLoggerFactory();
        await using var h = await StartAsync(services =>
        {
            services.AddSaga<string, string>("Chatty", async (_, ctx, _) =>
            {
                var logger = ctx.CreateReplaySafeLogger("Chatty");
                logger.LogInformation("line 1");
                await ctx.CallStepAsync<string>("Echo", "a");
                logger.LogInformation("line 2");
                await ctx.DelayAsync(TimeSpan.FromMilliseconds(10));
                logger.LogInformation("line 3");
                await ctx.CallStepAsync<string>("Echo", "b");
                logger.LogInformation("line 4");
                return "ok";
            });
            services.AddSagaActivity<string, string>("Echo", (_, s, _) => Task.FromResult(s));
        }, log);

        await h.StartAsync("Chatty", "c1", "x");
        await h.WaitForEndAsync("c1");

        var lines = log.Entries.Where(e => e.Message.StartsWith("line ", StringComparison.Ordinal)).Select(e => e.Message).ToList();
        Assert.Equal(["line 1", "line 2", "line 3", "line 4"], lines);
    }

    [Fact]
    public async Task Status_of_an_unknown_instance_is_null()
    {
        await using var h = await StartAsync(new StepLog());
        Assert.Null(await h.StatusAsync("nope"));
    }
}
