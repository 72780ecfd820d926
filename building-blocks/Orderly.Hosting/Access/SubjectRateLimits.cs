using System.Threading.RateLimiting;
using Microsoft.Extensions.Configuration;
using Orderly.Settings;

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
            var perMinute = configuration.ReadInt($"RateLimits:{name}:PermitsPerMinute", fallback.PermitsPerMinute, 0, 1_000_000);
            var burst = configuration.ReadInt($"RateLimits:{name}:Burst", fallback.Burst, 0, 1_000_000);
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
}
