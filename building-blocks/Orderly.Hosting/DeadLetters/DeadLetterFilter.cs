using System.Globalization;
using System.Text.Json;
using Orderly.Hosting.Http;
using Orderly.Messaging;

namespace Orderly.Hosting.DeadLetters;

/// <summary>
/// Which dead letters an operator means: by entity and status (the port filters on those), by a case-insensitive piece of
/// the reason or description, and by age (time since the message was dead-lettered, its last failure). The same filter
/// reads from a list's query string and from a bulk resubmit's body, with the same rules and the same field names.
/// </summary>
public sealed record DeadLetterFilter(string? Entity, DeadLetterStatus? Status, string? Reason, int? MinAgeSeconds, int? MaxAgeSeconds)
{
    /// <summary>The longest reason fragment a filter takes.</summary>
    public const int MaxReasonLength = 200;

    /// <summary>The oldest age a filter names: a year, in seconds.</summary>
    public const int MaxAgeLimitSeconds = 366 * 24 * 3600;

    /// <summary>Whether <paramref name="letter"/> passes the reason and age parts (the port has already applied entity and status).</summary>
    public bool Matches(DeadLetteredMessage letter, DateTimeOffset now)
    {
        if (Reason is not null
            && !letter.Reason.Contains(Reason, StringComparison.OrdinalIgnoreCase)
            && !letter.Description.Contains(Reason, StringComparison.OrdinalIgnoreCase)) return false;
        var age = (now - letter.LastFailureAt).TotalSeconds;
        return (MinAgeSeconds is not { } min || age >= min) && (MaxAgeSeconds is not { } max || age <= max);
    }

    /// <summary>The filter from a list's query parameters; bad ones are named in <paramref name="errors"/>.</summary>
    public static DeadLetterFilter FromQuery(string? entity, string? status, string? reason, string? minAgeSeconds, string? maxAgeSeconds, FieldErrors errors)
    {
        var entityName = QueryValue.Single(entity, "entity", DeadLetterEndpoints.MaxEntityNameLength, errors, required: false);
        var statusName = QueryValue.Single(status, "status", DeadLetterEndpoints.MaxEntityNameLength, errors, required: false);
        var fragment = QueryValue.Single(reason, "reason", MaxReasonLength, errors, required: false);
        return Checked(entityName, StatusOf(statusName, errors), fragment, Seconds(minAgeSeconds, "minAgeSeconds", errors),
            Seconds(maxAgeSeconds, "maxAgeSeconds", errors), errors);
    }

    /// <summary>The filter from a JSON body's fields of the same names; bad ones are named in the reader's errors.</summary>
    public static DeadLetterFilter FromBody(JsonElement root, FieldReader fields)
    {
        var entity = fields.Text(root, "entity", DeadLetterEndpoints.MaxEntityNameLength, required: false);
        var statusName = fields.Text(root, "status", DeadLetterEndpoints.MaxEntityNameLength, required: false);
        var reason = fields.Text(root, "reason", MaxReasonLength, required: false);
        var min = fields.Int(root, "minAgeSeconds", 0, MaxAgeLimitSeconds, required: false);
        var max = fields.Int(root, "maxAgeSeconds", 0, MaxAgeLimitSeconds, required: false);
        return Checked(entity, StatusOf(statusName, fields.Errors), reason, min, max, fields.Errors);
    }

    private static DeadLetterFilter Checked(string? entity, DeadLetterStatus? status, string? reason, int? min, int? max, FieldErrors errors)
    {
        if (min is { } least && max is { } most && least > most) errors.Add("maxAgeSeconds", "maxAgeSeconds must be at least minAgeSeconds.");
        return new(entity, status, reason, min, max);
    }

    /// <summary>By name only: Enum.TryParse would also take "1" or "Pending,Ignored".</summary>
    private static DeadLetterStatus? StatusOf(string? name, FieldErrors errors)
    {
        if (name is null) return null;
        var status = Enum.GetValues<DeadLetterStatus>().Cast<DeadLetterStatus?>()
            .FirstOrDefault(s => s.ToString()!.Equals(name, StringComparison.OrdinalIgnoreCase));
        if (status is null) errors.Add("status", "status must be Pending, Resubmitted or Ignored.");
        return status;
    }

    private static int? Seconds(string? value, string name, FieldErrors errors)
    {
        if (value is null) return null;
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds <= MaxAgeLimitSeconds) return seconds;
        errors.Add(name, $"{name} must be a whole number of seconds from 0 to {MaxAgeLimitSeconds}.");
        return null;
    }
}
