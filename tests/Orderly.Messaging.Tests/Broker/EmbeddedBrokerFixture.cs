using Orderly.Embedded;
using Orderly.Embedded.Broker;

namespace Orderly.Messaging.Tests.Broker;

/// <summary>A broker on its own temporary SQLite file, with short locks so lock expiry is quick to observe; reopenable to test restarts.</summary>
public sealed class EmbeddedBrokerFixture : IAsyncDisposable
{
    public const string Queue = "work";
    public const string ShortWindowQueue = "work-short-window";
    public const string LongLockQueue = "work-long-lock";
    public const string Topic = "events";
    public static readonly IReadOnlyList<string> Subscriptions =
        [Orderly.Messaging.EntityPath.Subscription(Topic, "a"), Orderly.Messaging.EntityPath.Subscription(Topic, "b"), Orderly.Messaging.EntityPath.Subscription(Topic, "c")];

    // A 1 s lock: short enough for the lock-expiry tests, long enough for receive → settle on a busy machine (300 ms was not: CI failed on it).
    public static readonly EntitySettings Settings = new(TimeSpan.FromSeconds(1), 3, TimeSpan.FromMinutes(10));
    public static readonly TimeSpan ShortWindow = TimeSpan.FromMilliseconds(400);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "orderly-broker-tests", Guid.NewGuid().ToString("N"));

    private EmbeddedBrokerFixture() { }

    public SqliteDatabase Database { get; private set; } = null!;
    public EmbeddedBroker Broker { get; private set; } = null!;
    public EmbeddedDeadLetterQueue DeadLetters { get; private set; } = null!;

    public static async Task<EmbeddedBrokerFixture> StartAsync()
    {
        var fixture = new EmbeddedBrokerFixture();
        await fixture.OpenAsync();
        return fixture;
    }

    public static EmbeddedBrokerTopology Topology() => new EmbeddedBrokerTopology()
        .AddQueue(Queue, Settings)
        // A long lock: the tests on this queue are about the duplicate window, and a 300 ms lock can expire between
        // receive and complete when the machine is busy.
        .AddQueue(ShortWindowQueue, Settings with { DuplicateDetectionWindow = ShortWindow, LockDuration = TimeSpan.FromMinutes(5) })
        .AddQueue(LongLockQueue, Settings with { LockDuration = TimeSpan.FromMinutes(5) })
        .AddTopic(Topic, Settings)
        .AddSubscription(Topic, "a", Settings)
        .AddSubscription(Topic, "b", Settings)
        .AddSubscription(Topic, "c", Settings);

    /// <summary>Closes the database as a stopping process would, and opens the same file again.</summary>
    public async Task RestartAsync()
    {
        await Database.DisposeAsync();
        await OpenAsync();
    }

    /// <summary>Receives until <paramref name="count"/> arrived or <paramref name="within"/> passed, sleeping on the broker's wake-up between tries.</summary>
    public async Task<IReadOnlyList<LockedMessage>> ReceiveWithinAsync(string entity, int count, TimeSpan within)
    {
        var deadline = DateTimeOffset.UtcNow + within;
        var received = new List<LockedMessage>();
        while (true)
        {
            received.AddRange(await Broker.ReceiveAsync(entity, count - received.Count));
            var left = deadline - DateTimeOffset.UtcNow;
            if (received.Count >= count || left <= TimeSpan.Zero) return received;
            await Broker.WaitForMessagesAsync(entity, left);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp file left behind is harmless.
        }
    }

    private async Task OpenAsync()
    {
        Database = new SqliteDatabase(Path.Combine(_directory, "orderly.db"));
        Broker = await EmbeddedBroker.OpenAsync(Database, Topology());
        DeadLetters = new EmbeddedDeadLetterQueue(Broker);
    }
}
