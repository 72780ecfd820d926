using System.Text.Json;
using Orderly.Orchestrations;

namespace Orderly.Checkout.Saga;

/// <summary>
/// Keeps a checkout status within Durable's custom status limit (16 KB of UTF-16 JSON text), however often its steps and
/// compensations were retried: free texts are clipped, and when the whole would not fit, attempts leave the attempt log,
/// oldest first: those between a record's first and latest, then the first ones, then the latest ones that have finished.
/// A record's <c>attempts</c> still counts every attempt, and each shown attempt keeps its number, so the timeline shows
/// where attempts are missing and how many.
/// </summary>
/// <remarks>
/// The size is an upper bound counted from the status's strings, never a serialization (the status is published a dozen
/// times a checkout): each character as the JSON writer's default encoder writes it at worst (1 for printable ASCII it
/// leaves alone, 6 for a <c>\uXXXX</c> escape), plus each object's shell, serialized once with its widest numbers and dates.
/// Clipped texts and the contracts' id lengths keep the records alone far below the limit, so trimming the log always fits.
/// </remarks>
public static class StatusBudget
{
    /// <summary>
    /// 16 KB of UTF-16, in characters: Durable Functions' documented limit of a custom status. The in-process extension refuses
    /// more (and the orchestration fails); the isolated worker passes it on unchecked to a backend that may not store it.
    /// </summary>
    public const int MaxJsonChars = 16 * 1024 / 2;

    /// <summary>The longest a detail or an attempt's reason may be, in JSON characters.</summary>
    public const int MaxTextChars = 200;

    private const string Clipped = "...";

    private static readonly DateTimeOffset WidestTime = new DateTimeOffset(2026, 12, 31, 23, 59, 59, TimeSpan.FromHours(-14)).AddTicks(9_999_999);

    private static readonly int StatusShell = Shell(new CheckoutStatus
    {
        OrderId = "", CustomerId = "", Status = "", CurrentStep = "", CancellationReason = "", NeedsAttention = [],
    });

    private static readonly int StepShell = Shell(new StepRecord
    {
        Name = "", Status = "", Attempts = int.MinValue, StartedAt = WidestTime, FinishedAt = WidestTime, Detail = "",
    });

    private static readonly int CompensationShell = Shell(new CompensationRecord
    {
        Name = "", ForStep = "", Reference = "", Status = "", Attempts = int.MinValue, StartedAt = WidestTime, FinishedAt = WidestTime, Detail = "",
    });

    private static readonly int AttemptShell = Shell(new AttemptRecord
    {
        Number = int.MinValue, MessageId = "", StartedAt = WidestTime, FinishedAt = WidestTime, DurationMs = double.MinValue,
        Outcome = "", Reply = "", Reason = "", TraceId = "",
    });

    /// <summary><paramref name="text"/>, cut to <see cref="MaxTextChars"/> JSON characters with "..." when it is longer.</summary>
    public static string? Clip(string? text)
    {
        if (text is null || Width(text) <= MaxTextChars) return text;
        var width = Clipped.Length;
        var keep = 0;
        while (keep < text.Length && width + Width(text[keep]) <= MaxTextChars) width += Width(text[keep++]);
        if (keep > 0 && char.IsHighSurrogate(text[keep - 1])) keep--; // never half a character
        return text[..keep] + Clipped;
    }

    /// <summary>Takes attempts out of the logs, oldest first, until the status's JSON fits in <see cref="MaxJsonChars"/>.</summary>
    public static void Fit(CheckoutStatus status)
    {
        var over = Size(status) - MaxJsonChars;
        if (over <= 0) return;
        var logs = status.Steps.Select(s => s.AttemptLog).Concat(status.Compensations.Select(c => c.AttemptLog)).ToList();
        Func<List<AttemptRecord>, int, bool>[] passes =
        [
            (log, i) => i < log.Count - 1 && log[i].Number != 1, // between the first and the latest
            (log, i) => i < log.Count - 1,                        // the first
            (log, i) => log[i].Outcome != AttemptRecord.Running,   // the latest, once it has finished
        ];
        foreach (var takeOut in passes)
        {
            foreach (var log in logs)
            {
                for (var i = 0; i < log.Count && over > 0; i++)
                {
                    if (!takeOut(log, i)) continue;
                    over -= Size(log[i]) + 1;
                    log.RemoveAt(i--);
                }
            }
            if (over <= 0) return;
        }
    }

    /// <summary>An upper bound of the status's JSON length, in characters (see the remarks).</summary>
    public static int Size(CheckoutStatus status)
    {
        var size = StatusShell + Cost(status.OrderId) + Cost(status.CustomerId) + Cost(status.Status) + Cost(status.CurrentStep)
            + Cost(status.CancellationReason);
        size += status.NeedsAttention is null ? 2 : status.NeedsAttention.Sum(n => Cost(n) + 1);
        foreach (var step in status.Steps)
            size += StepShell + Cost(step.Name) + Cost(step.Status) + Cost(step.Detail) + Size(step.AttemptLog) + 1;
        foreach (var c in status.Compensations)
            size += CompensationShell + Cost(c.Name) + Cost(c.ForStep) + Cost(c.Reference) + Cost(c.Status) + Cost(c.Detail) + Size(c.AttemptLog) + 1;
        return size;
    }

    private static int Size(List<AttemptRecord> log) => log.Sum(a => Size(a) + 1);

    private static int Size(AttemptRecord a) =>
        AttemptShell + Cost(a.MessageId) + Cost(a.Outcome) + Cost(a.Reply) + Cost(a.Reason) + Cost(a.TraceId);

    /// <summary>What a string adds to a shell that holds it as <c>""</c>: its escaped characters, or 2 for <c>null</c>.</summary>
    private static int Cost(string? text) => text is null ? 2 : Width(text);

    private static int Width(string text)
    {
        var width = 0;
        foreach (var c in text) width += Width(c);
        return width;
    }

    // What the default encoder writes as itself; anything else is at most \uXXXX.
    private static int Width(char c) => c is >= ' ' and <= '~' and not ('"' or '\\' or '&' or '\'' or '+' or '<' or '>' or '`') ? 1 : 6;

    private static int Shell(object empty) => JsonSerializer.Serialize(empty, SagaRegistration.JsonOptions).Length;
}
