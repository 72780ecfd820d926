namespace Orderly.Contracts;

/// <summary>Why a message could not be read; the reason is a stable code that goes into the dead-letter record.</summary>
public static class ContractViolationReason
{
    public const string MalformedJson = "malformed-json";
    public const string NotACloudEvent = "not-a-cloudevent";
    public const string UnknownType = "unknown-type";
    public const string InvalidData = "invalid-data";
}

/// <summary>A message that breaks its contract: never retried, dead-lettered at once with <see cref="Reason"/>.</summary>
public sealed class ContractViolationException(string reason, string description) : Exception($"{reason}: {description}")
{
    /// <summary>One of <see cref="ContractViolationReason"/>.</summary>
    public string Reason { get; } = reason;

    /// <summary>What exactly is wrong, naming the attribute or field.</summary>
    public string Description { get; } = description;
}
