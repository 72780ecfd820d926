using System.Collections.Concurrent;
using Orderly.Orchestrations;

namespace Orderly.Checkout.Tests;

/// <summary>The runtime contract on the embedded runner, and what only the embedded runner does (it persists, bounds, keeps early events).</summary>
public sealed class EmbeddedSagaRunnerTests : SagaRuntimeContract
{
    protected override SagaRuntimeKind Runtime => SagaRuntimeKind.Embedded;

    private static Task<SagaHarness> OpenAsync(string path, StepLog log, bool keepFile = false, int maxConcurrentSagas = 32) =>
        SagaHarness.StartAsync(new EmbeddedTestRuntime(path) { DeleteOnDispose = !keepFile, MaxConcurrentSagas = maxConcurrentSagas }, TestSaga.Register(log));

    [Fact]
    public async Task A_finished_saga_s_journal_is_deleted_after_the_retention_a_running_one_s_is_kept_and_the_status_still_reads()
    {
        var runtime = new EmbeddedTestRuntime(EmbeddedTestRuntime.NewPath()) { FinishedJournalRetention = TimeSpan.FromSeconds(1) };
        await using var h = await SagaHarness.StartAsync(runtime, TestSaga.Register(new StepLog()));
        await h.StartAsync(TestSaga.Name, "ends", new Plan("go-1", 60_000));
        await h.StartAsync(TestSaga.Name, "runs", new Plan("go-2", 60_000));
        await h.WaitForAsync("runs", TestSaga.IsWaiting);
        await h.RaiseAsync("ends", "go-1", "done");
        await h.WaitForEndAsync("ends");
        Assert.NotEqual(0, JournalEntries(runtime, "ends"));

        await Eventually.TrueAsync(() => JournalEntries(runtime, "ends") == 0);

        Assert.NotEqual(0, JournalEntries(runtime, "runs")); // still running: its journal is what a restart replays
        var ended = (await h.StatusAsync("ends"))!;
        Assert.Equal(SagaRuntimeStatus.Completed, ended.RuntimeStatus);
        Assert.Equal("ENDS:B:DONE", SagaHarness.Output<string>(ended));
    }

    private static long JournalEntries(EmbeddedTestRuntime runtime, string instanceId) =>
        EmbeddedTestRuntime.JournalEntries(runtime.Database, instanceId);

    [Fact]
    public async Task An_event_raised_before_the_saga_even_starts_is_kept_for_it()
    {
        // Durable documents such events as discarded (see DurableTaskRuntimeTests); the checkout never raises before it starts.
        await using var h = await StartAsync(new StepLog());

        await h.RaiseAsync("s1", "go-1", "first");
        await h.StartAsync(TestSaga.Name, "s1", new Plan("go-1", 10_000));

        Assert.Equal("S1:B:FIRST", SagaHarness.Output<string>(await h.WaitForEndAsync("s1")));
    }

    [Fact]
    public async Task An_event_name_matches_only_in_its_own_case()
    {
        // Durable matches names case-insensitively (DurableTaskRuntimeTests); the checkout's names never differ only in case.
        await using var h = await StartAsync(new StepLog());

        await h.StartAsync(TestSaga.Name, "s1", new Plan("go-1", 300));
        await h.WaitForAsync("s1", TestSaga.IsWaiting);
        await h.RaiseAsync("s1", "GO-1", "shouted");

        Assert.Equal("S1:B:TIMEOUT", SagaHarness.Output<string>(await h.WaitForEndAsync("s1")));
    }

    [Fact]
    public async Task A_store_that_fails_under_a_running_saga_delays_it_and_it_resumes_by_itself_when_the_store_is_back()
    {
        var log = new StepLog { Gate = StepLog.Closed() };
        var runtime = new EmbeddedTestRuntime(EmbeddedTestRuntime.NewPath());
        await using var h = await SagaHarness.StartAsync(runtime, TestSaga.Register(log));
        await h.StartAsync(TestSaga.Name, "s1", new Plan("go-1", 30_000, HoldFirstStep: true));
        await Eventually.TrueAsync(() => log.Holding == 1);
        await h.RaiseAsync("s1", "go-1", "meanwhile"); // nothing else will ever wake this saga

        // The step ends while the store refuses writes and reads: its outcome cannot be journaled, nor the saga reloaded.
        runtime.Database.Faults.FailFor(TimeSpan.FromSeconds(1.5));
        log.Gate.SetResult();
        await Eventually.TrueAsync(() => !runtime.Database.Faults.Failing, timeoutMs: 5_000); // our own status reads would fail too

        var end = await h.WaitForEndAsync("s1");
        Assert.Equal(SagaRuntimeStatus.Completed, end.RuntimeStatus);
        Assert.Equal("S1:B:MEANWHILE", SagaHarness.Output<string>(end));
        Assert.Equal(2, log.Executions["s1:a"]); // its outcome was lost with the failed commit, so it ran again
        Assert.Equal(1, log.Effects["s1:a"]);
    }

    [Fact]
    public async Task After_a_restart_mid_saga_it_resumes_from_its_journal_and_runs_no_finished_step_again()
    {
        var log = new StepLog();
        var path = EmbeddedTestRuntime.NewPath();
        await using (var first = await OpenAsync(path, log, keepFile: true))
        {
            await first.StartAsync(TestSaga.Name, "s1", new Plan("go-1", 60_000));
            await first.WaitForAsync("s1", TestSaga.IsWaiting);
        }

        await using var second = await OpenAsync(path, log);
        Assert.Equal(SagaRuntimeStatus.Running, (await second.StatusAsync("s1"))!.RuntimeStatus);
        await second.RaiseAsync("s1", "go-1", "after-restart");
        var end = await second.WaitForEndAsync("s1");

        Assert.Equal("S1:B:AFTER-RESTART", SagaHarness.Output<string>(end));
        Assert.Equal(1, log.Executions["s1:a"]); // journaled before the restart: replayed, not re-run
        Assert.Equal(1, log.Executions["s1:b:after-restart"]);
    }

    [Fact]
    public async Task A_file_from_before_seen_seq_was_dropped_opens_loses_the_column_and_its_waiting_saga_goes_on()
    {
        var log = new StepLog();
        var path = EmbeddedTestRuntime.NewPath();
        await using (var first = await OpenAsync(path, log, keepFile: true))
        {
            await first.StartAsync(TestSaga.Name, "s1", new Plan("go-1", 60_000));
            await first.WaitForAsync("s1", TestSaga.IsWaiting);
        }
        // The file as the runner wrote it before: an instance row with the column nothing reads any more.
        Execute(path, "ALTER TABLE saga_instances ADD COLUMN seen_seq INTEGER NOT NULL DEFAULT 0; UPDATE saga_instances SET seen_seq = 7");

        await using var second = await OpenAsync(path, log);
        await second.RaiseAsync("s1", "go-1", "after-upgrade");
        var end = await second.WaitForEndAsync("s1");

        Assert.Equal("S1:B:AFTER-UPGRADE", SagaHarness.Output<string>(end));
        Assert.DoesNotContain("seen_seq", Columns(path, "saga_instances"));
    }

    private static void Execute(string path, string sql)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static List<string> Columns(string path, string table)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT name FROM pragma_table_info('{table}')";
        using var reader = cmd.ExecuteReader();
        var columns = new List<string>();
        while (reader.Read()) columns.Add(reader.GetString(0));
        return columns;
    }

    [Fact]
    public async Task A_running_saga_stays_in_memory_and_is_replayed_only_after_a_restart()
    {
        var counted = new CountedSaga();
        var path = EmbeddedTestRuntime.NewPath();
        await using (var first = await SagaHarness.StartAsync(new EmbeddedTestRuntime(path) { DeleteOnDispose = false }, counted.Register))
        {
            await first.StartAsync(CountedSaga.Name, "c1", "x");
            await first.WaitForAsync("c1", CountedSaga.IsWaiting);
            Assert.Equal(1, counted.Runs); // its first step's outcome did not run it again from the start
        }

        await using var second = await SagaHarness.StartAsync(new EmbeddedTestRuntime(path), counted.Register);
        await second.RaiseAsync("c1", "go", "b");
        var end = await second.WaitForEndAsync("c1");

        Assert.Equal(SagaRuntimeStatus.Completed, end.RuntimeStatus);
        Assert.Equal("a+b", SagaHarness.Output<string>(end));
        Assert.Equal(2, counted.Runs);                // replayed once, at the restart, and never again per step
        Assert.Equal(1, counted.Executions["a"]);    // journaled before the restart: replayed, not run again
    }

    [Fact]
    public async Task A_saga_whose_turn_cannot_be_journaled_is_evicted_and_replayed_from_its_journal()
    {
        var counted = new CountedSaga();
        var loggers = new CapturingLoggerFactory();
        var runtime = new EmbeddedTestRuntime(EmbeddedTestRuntime.NewPath());
        await using var h = await SagaHarness.StartAsync(runtime, counted.Register, loggers);
        await h.StartAsync(CountedSaga.Name, "c1", "x");
        await h.WaitForAsync("c1", CountedSaga.IsWaiting);

        // The event's turn cannot be committed: its raiser hears so (a reply handler fails and its message comes again) ...
        runtime.Database.Faults.FailFor(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAnyAsync<Exception>(() => h.RaiseAsync("c1", "go", "lost"));
        await Eventually.TrueAsync(() => !runtime.Database.Faults.Failing, timeoutMs: 5_000);

        // ... and the saga, whose memory had run ahead of its journal, is rebuilt from the journal and takes the next one.
        await h.RaiseAsync("c1", "go", "b");
        var end = await h.WaitForEndAsync("c1");

        Assert.Equal("a+b", SagaHarness.Output<string>(end));
        Assert.True(counted.Runs >= 2);              // replayed after the eviction
        Assert.Equal(1, counted.Executions["a"]);    // journaled before it: not run again
        Assert.False(counted.Executions.ContainsKey("lost")); // what the failed turn asked for never started
        Assert.Contains(loggers.Entries, e => e.Message.Contains("replaying it from its journal", StringComparison.Ordinal));
    }

    /// <summary>A saga that counts how often its code runs from the start: once in memory, once more per replay.</summary>
    private sealed class CountedSaga
    {
        public const string Name = "Counted";
        private int _runs;

        public int Runs => Volatile.Read(ref _runs);

        public ConcurrentDictionary<string, int> Executions { get; } = new();

        public static bool IsWaiting(SagaInstanceStatus s) => s.CustomStatus?.GetRawText() == "\"waiting\"";

        public void Register(Microsoft.Extensions.DependencyInjection.IServiceCollection services)
        {
            services.AddSaga<string, string>(Name, async (_, ctx, _) =>
            {
                Interlocked.Increment(ref _runs);
                var a = await ctx.CallStepAsync<string>("Echo", "a");
                ctx.SetCustomStatus("waiting");
                var e = await ctx.WaitForEventAsync<string>("go", TimeSpan.FromMinutes(1));
                var b = await ctx.CallStepAsync<string>("Echo", e.Payload);
                ctx.SetCustomStatus("done");
                return $"{a}+{b}";
            });
            services.AddSagaActivity<string, string>("Echo", (_, value, _) =>
            {
                Executions.AddOrUpdate(value, 1, (_, n) => n + 1);
                return Task.FromResult(value);
            });
        }
    }

    [Fact]
    public async Task A_step_cut_off_by_a_restart_runs_again_but_has_one_effect()
    {
        var log = new StepLog { Gate = StepLog.Closed() };
        var path = EmbeddedTestRuntime.NewPath();
        await using (var first = await OpenAsync(path, log, keepFile: true))
        {
            await first.StartAsync(TestSaga.Name, "s1", new Plan("go-1", 60_000, HoldFirstStep: true));
            await Eventually.TrueAsync(() => log.Holding == 1);
        } // stopped while the step runs: it is cancelled and not journaled

        log.Gate.SetResult();
        await using var second = await OpenAsync(path, log);
        await second.WaitForAsync("s1", TestSaga.IsWaiting);
        await second.RaiseAsync("s1", "go-1", "ok");
        await second.WaitForEndAsync("s1");

        Assert.Equal(2, log.Executions["s1:a"]); // at least once ...
        Assert.Equal(1, log.Effects["s1:a"]);    // ... one effect
    }

    [Fact]
    public async Task A_timer_survives_a_restart()
    {
        var log = new StepLog();
        var path = EmbeddedTestRuntime.NewPath();
        await using (var first = await OpenAsync(path, log, keepFile: true))
        {
            await first.StartAsync(TestSaga.Name, "s1", new Plan("never", 300));
            await first.WaitForAsync("s1", TestSaga.IsWaiting);
        }

        await using var second = await OpenAsync(path, log);
        Assert.Equal("S1:B:TIMEOUT", SagaHarness.Output<string>(await second.WaitForEndAsync("s1")));
    }

    [Fact]
    public async Task No_more_sagas_run_at_once_than_the_bound_and_the_rest_wait_their_turn()
    {
        var log = new StepLog { Gate = StepLog.Closed() };
        await using var h = await OpenAsync(EmbeddedTestRuntime.NewPath(), log, maxConcurrentSagas: 2);

        for (var i = 1; i <= 5; i++) await h.StartAsync(TestSaga.Name, $"s{i}", new Plan("go", 50, HoldFirstStep: true));
        await Eventually.TrueAsync(() => log.Holding == 2);
        var statuses = await Task.WhenAll(Enumerable.Range(1, 5).Select(i => h.StatusAsync($"s{i}")));
        Assert.Equal(2, statuses.Count(s => s!.RuntimeStatus == SagaRuntimeStatus.Running));
        Assert.Equal(3, statuses.Count(s => s!.RuntimeStatus == SagaRuntimeStatus.Pending));

        log.Gate.SetResult();
        foreach (var i in Enumerable.Range(1, 5)) Assert.Equal(SagaRuntimeStatus.Completed, (await h.WaitForEndAsync($"s{i}")).RuntimeStatus);
        Assert.Equal(2, log.MaxHolding);
        Assert.True(((EmbeddedTestRuntime)h.Runtime).Runner.MaxObservedConcurrency <= 2);
    }

    [Fact]
    public async Task A_saga_admitted_when_another_finishes_does_not_run_in_the_finished_sagas_trace()
    {
        var traces = new ConcurrentDictionary<string, string>();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await SagaHarness.StartAsync(new EmbeddedTestRuntime(EmbeddedTestRuntime.NewPath()) { MaxConcurrentSagas = 1 }, services =>
        {
            services.AddSaga<string, string>("Traced", async (_, ctx, id) => await ctx.CallStepAsync<string>("Observe", id));
            services.AddSagaActivity<string, string>("Observe", async (_, id, _) =>
            {
                traces[id] = System.Diagnostics.Activity.Current?.TraceId.ToHexString() ?? "none";
                if (id == "first") await gate.Task;
                return id;
            });
        });

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
            await h.StartAsync("Traced", "first", "first");
        }
        await Eventually.TrueAsync(() => traces.ContainsKey("first"));
        using (source.StartActivity("second")) await h.StartAsync("Traced", "second", "second"); // waits: the bound is 1

        // The first saga finishes in its own trace (its step's), which frees the slot the second one waits for.
        gate.SetResult();
        Assert.Equal(SagaRuntimeStatus.Completed, (await h.WaitForEndAsync("first")).RuntimeStatus);
        Assert.Equal(SagaRuntimeStatus.Completed, (await h.WaitForEndAsync("second")).RuntimeStatus);

        Assert.Equal(firstTrace, traces["first"]); // a started saga runs in its starter's trace: the probe sees flow
        Assert.NotEqual(firstTrace, traces["second"]);
    }

    [Fact]
    public async Task A_saga_that_awaits_outside_its_context_is_failed_instead_of_hanging()
    {
        await using var h = await StartAsync(services =>
            services.AddSaga<string, string>("Sleepy", async (_, _, _) =>
            {
                await Task.Delay(TimeSpan.FromMinutes(5)); // forbidden in a saga: not durable, not replayable
                return "never";
            }));

        await h.StartAsync("Sleepy", "z1", "x");
        var end = await h.WaitForEndAsync("z1");

        Assert.Equal(SagaRuntimeStatus.Failed, end.RuntimeStatus);
        Assert.Contains("not a saga action", end.Failure, StringComparison.Ordinal);
    }
}
