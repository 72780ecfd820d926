using Microsoft.Extensions.Logging;

namespace Orderly.Checkout.Tests;

/// <summary>A logger factory that keeps every line, to assert on alerts.</summary>
public sealed class CapturingLoggerFactory : ILoggerFactory
{
    public sealed record Entry(LogLevel Level, EventId EventId, string Message);

    private readonly List<Entry> _entries = [];

    public IReadOnlyList<Entry> Entries { get { lock (_entries) return [.. _entries]; } }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void AddProvider(ILoggerProvider provider) { }

    public void Dispose() { }

    private sealed class Logger(CapturingLoggerFactory owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (owner._entries) owner._entries.Add(new Entry(logLevel, eventId, formatter(state, exception)));
        }
    }
}
