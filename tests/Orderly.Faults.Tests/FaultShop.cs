using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Orderly.Faults.Tests;

/// <summary>
/// A local host of its own for one scenario, started with fault injection on and its clocks scaled to the suite's short
/// windows (a checkout step waits 10 s for a reply, an open payment circuit tries again after 5 s; in production 30 s and 30 s).
/// </summary>
public sealed class FaultShop : IAsyncDisposable
{
    /// <summary>The settings every scenario's host runs with.</summary>
    public static readonly IReadOnlyDictionary<string, string> Settings = new Dictionary<string, string>
    {
        ["LocalHost__FaultInjection"] = "true",
        ["Checkout__StepTimeout"] = "00:00:10",
        ["Payments__CircuitBreaker__BreakDuration"] = "00:00:05",
    };

    private FaultShop(ShopHost host)
    {
        Host = host;
        Api = new ShopApi(host);
    }

    public ShopHost Host { get; }

    public ShopApi Api { get; }

    public static async Task<FaultShop> StartAsync() => new(await ShopHost.StartOwnAsync(Settings));

    /// <summary>Opens the window of <paramref name="fault"/> for <paramref name="duration"/> (zero shuts it); returns when it closes.</summary>
    public async Task<DateTime> InjectAsync(string fault, TimeSpan duration)
    {
        await PostFaultAsync(new { fault, seconds = (int)duration.TotalSeconds });
        return DateTime.UtcNow + duration;
    }

    /// <summary>The prefix of the message ids of the malformed messages the host sends.</summary>
    public const string MalformedPrefix = "malformed-";

    /// <summary>Sends <paramref name="count"/> malformed messages round the command queues; returns how many the broker took.</summary>
    public async Task<int> SendMalformedAsync(int count) =>
        (await PostFaultAsync(new { fault = "malformed-messages", count })).GetProperty("sent").GetInt32();

    /// <summary>Kills the host (SIGKILL: no clean shutdown) and starts it again on the same data; returns when it is healthy.</summary>
    public Task KillAndRestartAsync() => Host.CrashAndRestartAsync();

    /// <summary>
    /// Waits until no saga is in flight (the host's own count, <c>GET /api/admin/stats</c>); returns how many still are at the
    /// deadline (0 when none).
    /// </summary>
    public async Task<long> SagasInFlightAfterAsync(TimeSpan timeout)
    {
        var client = await Api.OperatorAsync();
        var clock = Stopwatch.StartNew();
        long inFlight;
        do
        {
            var stats = await client.GetFromJsonAsync<JsonElement>("api/admin/stats");
            inFlight = stats.GetProperty("sagasInFlight").GetInt64();
            if (inFlight == 0) return 0;
            await Task.Delay(250);
        }
        while (clock.Elapsed < timeout);
        return inFlight;
    }

    /// <summary>Message deliveries the host's consumers have handled since it started (<c>GET /api/admin/stats</c>), redeliveries included.</summary>
    public async Task<long> DeliveriesHandledAsync() =>
        (await (await Api.OperatorAsync()).GetFromJsonAsync<JsonElement>("api/admin/stats")).GetProperty("messagesHandled").GetInt64();

    /// <summary>The dead letters whose message id <paramref name="matches"/>, as (reason, count).</summary>
    public async Task<IReadOnlyDictionary<string, int>> DeadLetterReasonsAsync(Func<string, bool> matches)
    {
        var letters = await Api.GetListAsync("api/admin/dead-letters");
        return letters.Where(l => matches(l.Str("messageId") ?? ""))
            .GroupBy(l => l.Str("reason") ?? "").ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
    }

    public ValueTask DisposeAsync() => Host.DisposeAsync();

    private async Task<JsonElement> PostFaultAsync(object body)
    {
        using var response = await (await Api.OperatorAsync()).PostAsJsonAsync("api/admin/faults", body);
        await ShopApi.EnsureStatus(response, HttpStatusCode.OK, "POST /api/admin/faults");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
