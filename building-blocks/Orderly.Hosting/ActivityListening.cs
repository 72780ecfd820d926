using System.Diagnostics;

namespace Orderly.Hosting;

/// <summary>
/// Makes sure every request and message gets an Activity (hence a W3C trace id in its log lines and outgoing envelopes),
/// even where no telemetry exporter is listening.
/// </summary>
internal static class ActivityListening
{
    private static readonly Lazy<ActivityListener> Listener = new(() =>
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)
                                       // Exactly this one: the finer Orderly sources (broker, handlers, sagas) are an exporter's to ask for.
                                       || source.Name == OrderlyDefaults.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    });

    /// <summary>Starts listening (once per process).</summary>
    public static void Ensure() => _ = Listener.Value;
}
