using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

// Shared by the test projects that assert on log lines (linked into each through its csproj).
namespace Orderly.TestSupport;

/// <summary>One captured log line with the values of every scope open around it.</summary>
public sealed record LogLine(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception, IReadOnlyDictionary<string, object?> Scope);

/// <summary>A logger provider that keeps every line and its scope values, so tests can assert what an operator would read.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly AsyncLocal<ScopeNode?> _current = new();

    public ConcurrentQueue<LogLine> Lines { get; } = new();

    public IReadOnlyList<LogLine> With(EventId id) => Lines.Where(l => l.EventId.Id == id.Id).ToList();

    public int Count(EventId id) => Lines.Count(l => l.EventId.Id == id.Id);

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    /// <summary>A typed logger writing here, for code built without a container.</summary>
    public ILogger<T> For<T>() => new Logger<T>(new LoggerFactory([this]));

    public void Dispose() { }

    private sealed record ScopeNode(object State, ScopeNode? Parent);

    private sealed class CapturingLogger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable BeginScope<TState>(TState state) where TState : notnull
        {
            var parent = owner._current.Value;
            owner._current.Value = new ScopeNode(state, parent);
            return new Pop(() => owner._current.Value = parent);
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = new Dictionary<string, object?>();
            var nodes = new List<object>();
            for (var n = owner._current.Value; n is not null; n = n.Parent) nodes.Add(n.State);
            nodes.Reverse(); // outer first, so inner scopes win
            foreach (var scope in nodes)
            {
                if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                    foreach (var (k, v) in pairs) values[k] = v;
            }
            owner.Lines.Enqueue(new LogLine(category, logLevel, eventId, formatter(state, exception), exception, values));
        }
    }

    private sealed class Pop(Action pop) : IDisposable
    {
        public void Dispose() => pop();
    }
}
