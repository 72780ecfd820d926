using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Configuration;

namespace Orderly.Hosting.Access;

/// <summary>
/// Per-subject token buckets, one set per named limit, from <c>RateLimits:{name}:PermitsPerMinute</c> (0 turns it off) and
/// <c>RateLimits:{name}:Burst</c>. Per process: in Azure each instance counts alone (docs/azure-shell.md says what goes in front).
/// </summary>
public sealed class SubjectRateLimits : IDisposable
{
    /// <summary>The limit on placing orders.</summary>
    public const string PlaceOrder = "PlaceOrder";

    private readonly Dictionary<string, PartitionedRateLimiter<string>> _limiters = new(StringComparer.Ordinal);

    /// <summary>Builds every named limit; a bad setting stops the app at start, naming it.</summary>
    public SubjectRateLimits(IConfiguration configuration, IReadOnlyDictionary<string, (int PermitsPerMinute, int Burst)> defaults)
    {
        foreach (var (name, fallback) in defaults)
        {
            var perMinute = Read(configuration, $"RateLimits:{name}:PermitsPerMinute", fallback.PermitsPerMinute);
            var burst = Read(configuration, $"RateLimits:{name}:Burst", fallback.Burst);
            if (perMinute == 0) continue;
            _limiters[name] = PartitionedRateLimiter.Create<string, string>(subject => RateLimitPartition.GetTokenBucketLimiter(subject, _ =>
                new TokenBucketRateLimiterOptions
                {
                    TokenLimit = Math.Max(1, burst),
                    TokensPerPeriod = perMinute,
                    ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
        }
    }

    /// <summary>The default limits: placing orders, 60 a minute per customer with bursts of 30.</summary>
    public static IReadOnlyDictionary<string, (int PermitsPerMinute, int Burst)> Defaults { get; } =
        new Dictionary<string, (int, int)> { [PlaceOrder] = (60, 30) };

    /// <summary>Takes one permit of <paramref name="limit"/> for <paramref name="subject"/>: null when granted, else when to retry.</summary>
    public TimeSpan? TryAcquire(string limit, string subject)
    {
        if (!_limiters.TryGetValue(limit, out var limiter)) return null;
        using var lease = limiter.AttemptAcquire(subject);
        if (lease.IsAcquired) return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
    }

    public void Dispose()
    {
        foreach (var limiter in _limiters.Values) limiter.Dispose();
    }

    private static int Read(IConfiguration configuration, string key, int fallback)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value <= 1_000_000
            ? value
            : throw new InvalidOperationException($"{key.Replace(":", "__", StringComparison.Ordinal)} '{text}' is not a whole number from 0 to 1000000.");
    }
}
