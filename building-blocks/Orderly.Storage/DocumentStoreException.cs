using Orderly.Resilience;

namespace Orderly.Storage;

/// <summary>A store failure, mapped from the backend's status in one place per adapter.</summary>
public abstract class DocumentStoreException(string message, int? writeIndex = null, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The index in the batch of the write that failed, when one did.</summary>
    public int? WriteIndex { get; } = writeIndex;

    /// <summary>True when trying again later can succeed (throttling, unavailability, a lost race).</summary>
    public abstract bool IsTransient { get; }
}

/// <summary>Someone wrote the document since it was read (stale ETag, HTTP 412): reload and decide again.</summary>
public sealed class ConcurrencyException(string message, int? writeIndex = null, Exception? inner = null) : DocumentStoreException(message, writeIndex, inner)
{
    public override bool IsTransient => true;
}

/// <summary>A create found the id taken (HTTP 409).</summary>
public sealed class DocumentConflictException(string message, int? writeIndex = null, Exception? inner = null) : DocumentStoreException(message, writeIndex, inner)
{
    public override bool IsTransient => false;
}

/// <summary>A replace or delete found no document (HTTP 404).</summary>
public sealed class DocumentNotFoundException(string message, int? writeIndex = null, Exception? inner = null) : DocumentStoreException(message, writeIndex, inner)
{
    public override bool IsTransient => false;
}

/// <summary>The store is rate limiting (HTTP 429); try again after <see cref="RetryAfter"/>.</summary>
public sealed class StoreThrottledException(string message, TimeSpan? retryAfter, Exception? inner = null) : DocumentStoreException(message, null, inner), IRetryAfterHint
{
    public TimeSpan? RetryAfter { get; } = retryAfter;
    public override bool IsTransient => true;
}

/// <summary>The store did not answer or answered with a server error (HTTP 5xx, timeout).</summary>
public sealed class StoreUnavailableException(string message, Exception? inner = null) : DocumentStoreException(message, null, inner)
{
    public override bool IsTransient => true;
}

/// <summary>A listing's continuation is not one the store handed out (mangled, or from another store): ask for the first page again.</summary>
public sealed class InvalidContinuationException(string message, Exception? inner = null) : DocumentStoreException(message, null, inner)
{
    public override bool IsTransient => false;
}
