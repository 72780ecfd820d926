using System.Text.Json;
using Microsoft.Extensions.Logging;
using Orderly.Checkout.Saga;
using Orderly.Contracts;
using Orderly.Orchestrations;

namespace Orderly.Checkout.Tests;

/// <summary>How a scripted base service answers one command.</summary>
public abstract record Answer
{
    public static Answer With(object reply) => new ReplyAnswer(reply);
    public static readonly Answer Silence = new SilenceAnswer();
    public static readonly Answer SendFails = new SendFailsAnswer();

    /// <summary>Every send fails with <paramref name="error"/> as the bus's message.</summary>
    public static Answer SendFailsWith(string error) => new SendFailsAnswer(error);

    /// <summary>The send fails <paramref name="failures"/> times (the runtime retries it), then <paramref name="then"/>.</summary>
    public static Answer SendFailsFirst(int failures, Answer then) => new FlakySendAnswer(failures, then);
}

public sealed record ReplyAnswer(object Reply) : Answer;
public sealed record SilenceAnswer : Answer;
public sealed record SendFailsAnswer(string Error = "bus unavailable") : Answer;
public sealed record FlakySendAnswer(int Failures, Answer Then) : Answer;

/// <summary>One action the saga asked its context for, and what it got back.</summary>
public sealed record RecordedAction(string Kind, string Name, string Input, object? Outcome);

/// <summary>
/// A saga context driven by a script, in memory and instantaneous: steps "send" commands the script answers, waits get the
/// scripted reply or time out, delays pass at once. With a recorded history it replays the first actions from it.
/// </summary>
public sealed class ScriptedSagaContext : SagaContext
{
    private static readonly DateTime Start = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);
    private readonly Func<CheckoutCommand, Answer> _script;
    private readonly IReadOnlyList<RecordedAction> _history;
    private readonly int _replayCount;
    private readonly Dictionary<string, Answer> _answers = [];
    private int _guids;

    public ScriptedSagaContext(Func<CheckoutCommand, Answer> script, IReadOnlyList<RecordedAction>? history = null, int? replayCount = null, ILoggerFactory? loggers = null)
    {
        _script = script;
        _history = history ?? [];
        _replayCount = replayCount ?? _history.Count;
        LoggerFactory = loggers ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
    }

    public override string InstanceId => "order-1";
    public override DateTime CurrentUtcDateTime => Start.AddSeconds(Actions.Count);
    public override bool IsReplaying => Actions.Count < _replayCount;
    protected override ILoggerFactory LoggerFactory { get; }

    /// <summary>Every action in order, with its outcome.</summary>
    public List<RecordedAction> Actions { get; } = [];

    /// <summary>Commands actually sent (not replayed).</summary>
    public List<CheckoutCommand> Sent { get; } = [];

    /// <summary>Every status the saga published, serialized at the time.</summary>
    public List<string> Statuses { get; } = [];

    public List<TimeSpan> Delays { get; } = [];

    public CheckoutStatus? LastStatus { get; private set; }

    public override Guid NewGuid() => new(_guids++, 0, 0, new byte[8]);

    public override Task<TResult> CallStepAsync<TResult>(string name, object? input, StepRetryPolicy? retry = null)
    {
        var json = JsonSerializer.Serialize(input, SagaRegistration.JsonOptions);
        var outcome = Next("step", name, json, () =>
        {
            var command = (CheckoutCommand)input!;
            var answer = _script(command);
            if (answer is FlakySendAnswer flaky) answer = flaky.Then; // retrying a send is the runtime's job, not the saga's
            _answers[command.MessageId] = answer;
            if (answer is SendFailsAnswer fails) return new StepFailedException(name, "System.TimeoutException", fails.Error);
            Sent.Add(command);
            return command.MessageId;
        });
        return outcome is StepFailedException ex ? Task.FromException<TResult>(ex) : Task.FromResult((TResult)outcome!);
    }

    public override Task<EventWaitResult<T>> WaitForEventAsync<T>(string name, TimeSpan timeout) => Wait<T>("wait", name, timeout);

    /// <summary>Recorded as its own kind: on Durable its history differs from a plain wait's.</summary>
    public override Task<EventWaitResult<T>> WaitForEventSharingTimerAsync<T>(string name, TimeSpan timeout) => Wait<T>("shared wait", name, timeout);

    private Task<EventWaitResult<T>> Wait<T>(string kind, string name, TimeSpan timeout)
    {
        var outcome = Next(kind, name, timeout.ToString(), () =>
            _answers.TryGetValue(name, out var a) && a is ReplyAnswer r
                ? EnvelopeJson.Create(r.Reply, "reply-" + name, "/test", new DateTimeOffset(Start), InstanceId, causationId: name)
                : null);
        return Task.FromResult(outcome is null ? EventWaitResult<T>.Timeout() : EventWaitResult<T>.Received((T)outcome));
    }

    public override Task DelayAsync(TimeSpan delay)
    {
        Delays.Add(delay);
        Next("delay", "delay", delay.ToString(), () => null);
        return Task.CompletedTask;
    }

    public override void SetCustomStatus(object? customStatus)
    {
        LastStatus = (CheckoutStatus?)customStatus;
        Statuses.Add(JsonSerializer.Serialize(customStatus, SagaRegistration.JsonOptions));
    }

    private object? Next(string kind, string name, string input, Func<object?> live)
    {
        var index = Actions.Count;
        object? outcome;
        if (index < _replayCount)
        {
            var recorded = _history[index];
            if (recorded.Kind != kind || recorded.Name != name || recorded.Input != input)
                throw new InvalidOperationException($"Non-deterministic at action {index}: recorded {recorded.Kind} {recorded.Name}, asked {kind} {name}");
            outcome = recorded.Outcome;
            if (kind == "step" && outcome is string messageId)
                _answers[messageId] = _script(JsonSerializer.Deserialize<CheckoutCommand>(input, SagaRegistration.JsonOptions)!);
        }
        else
        {
            outcome = live();
        }
        Actions.Add(new RecordedAction(kind, name, input, outcome));
        return outcome;
    }
}
