namespace Orderly.LocalHost.Metrics;

/// <summary>
/// Durations counted in logarithmic bins 5% wide (0.1 ms to hours), so a percentile costs a fixed few kilobytes however many
/// values went in, and is within 2.5% of the true value.
/// </summary>
internal sealed class LatencyHistogram
{
    private const double SmallestMs = 0.1;
    private const double Growth = 1.05;
    private const int Bins = 400; // 0.1 ms · 1.05^400 ≈ 8 h: the last bin takes anything longer
    private static readonly double LogGrowth = Math.Log(Growth);

    private readonly int[] _counts = new int[Bins];
    private long _total;

    /// <summary>How many durations went in.</summary>
    public long Count => _total;

    public void Add(double milliseconds)
    {
        var bin = milliseconds <= SmallestMs ? 0 : (int)Math.Min(Bins - 1, Math.Log(milliseconds / SmallestMs) / LogGrowth);
        _counts[bin]++;
        _total++;
    }

    /// <summary>The duration below which <paramref name="fraction"/> of those counted lie (the middle of its bin), or null when none were.</summary>
    public double? Percentile(double fraction)
    {
        if (_total == 0) return null;
        var rank = Math.Max(1, (long)Math.Ceiling(fraction * _total));
        long seen = 0;
        for (var bin = 0; bin < Bins; bin++)
        {
            seen += _counts[bin];
            if (seen >= rank) return Math.Round(SmallestMs * Math.Pow(Growth, bin + 0.5), 1);
        }
        return Math.Round(SmallestMs * Math.Pow(Growth, Bins), 1);
    }

    public void Clear()
    {
        Array.Clear(_counts);
        _total = 0;
    }
}
