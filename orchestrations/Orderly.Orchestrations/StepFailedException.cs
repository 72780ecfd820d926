namespace Orderly.Orchestrations;

/// <summary>A step failed on every attempt; carries the last error so the saga can decide and report.</summary>
public sealed class StepFailedException(string stepName, string errorType, string errorMessage, Exception? inner = null)
    : Exception($"Step '{stepName}' failed: {errorType}: {errorMessage}", inner)
{
    public string StepName { get; } = stepName;

    /// <summary>The full name of the exception type the step last threw.</summary>
    public string ErrorType { get; } = errorType;

    public string ErrorMessage { get; } = errorMessage;
}
