using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Orderly.Settings;

/// <summary>
/// Reads one setting at a key of a configuration (or of a section: the key is then under the section's path). Absent or blank,
/// it is the default; present, it must read and lie within its bounds, else <see cref="SettingException"/> names it. Durations
/// are a number of seconds (<c>5</c>, <c>0.5</c>) or a TimeSpan (<c>00:00:05</c>); numbers are read invariantly.
/// </summary>
public static class SettingReader
{
    /// <summary>A duration above zero, and at least <paramref name="least"/> and at most <paramref name="most"/> when given.</summary>
    public static TimeSpan ReadDuration(this IConfiguration configuration, string key, TimeSpan fallback, TimeSpan? least = null, TimeSpan? most = null)
    {
        if (Text(configuration, key) is not { } text) return fallback;
        TimeSpan? value = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && double.IsFinite(seconds)
                && Math.Abs(seconds) < TimeSpan.MaxValue.TotalSeconds ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) ? span
            : null;
        if (value is { } v && v > TimeSpan.Zero && (least is null || v >= least) && (most is null || v <= most)) return v;
        var bounds = (least, most) switch
        {
            ({ } l, { } m) => $"from {Show(l)} to {Show(m)}",
            ({ } l, null) => $"of at least {Show(l)}",
            (null, { } m) => $"above zero and at most {Show(m)}",
            _ => "above zero",
        };
        throw Bad(configuration, key, text, $"a duration {bounds} (seconds, e.g. 5 or 0.5, or hh:mm:ss.fff)", Show(fallback));
    }

    /// <summary>A whole number from <paramref name="least"/> to <paramref name="most"/>.</summary>
    public static int ReadInt(this IConfiguration configuration, string key, int fallback, int least = int.MinValue, int most = int.MaxValue) =>
        configuration.ReadOptionalInt(key, least, most, fallback.ToString(CultureInfo.InvariantCulture)) ?? fallback;

    /// <summary>A whole number from <paramref name="least"/> to <paramref name="most"/>, or null when the setting is absent.</summary>
    public static int? ReadOptionalInt(this IConfiguration configuration, string key, int least = int.MinValue, int most = int.MaxValue) =>
        configuration.ReadOptionalInt(key, least, most, null);

    /// <summary>A number above <paramref name="above"/> and at most <paramref name="most"/>.</summary>
    public static double ReadDouble(this IConfiguration configuration, string key, double fallback, double above, double most)
    {
        if (Text(configuration, key) is not { } text) return fallback;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > above && value <= most) return value;
        throw Bad(configuration, key, text, $"a number above {above.ToString(CultureInfo.InvariantCulture)} and at most {most.ToString(CultureInfo.InvariantCulture)}",
            fallback.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary><c>true</c> or <c>false</c>.</summary>
    public static bool ReadBool(this IConfiguration configuration, string key, bool fallback) =>
        configuration.ReadOptionalBool(key, fallback ? "true" : "false") ?? fallback;

    /// <summary><c>true</c> or <c>false</c>, or null when the setting is absent.</summary>
    public static bool? ReadOptionalBool(this IConfiguration configuration, string key) => configuration.ReadOptionalBool(key, null);

    /// <summary>One of the names of <typeparamref name="TEnum"/>, in any case (never a number: a number says nothing to a reader).</summary>
    public static TEnum ReadEnum<TEnum>(this IConfiguration configuration, string key, TEnum fallback) where TEnum : struct, Enum
    {
        if (Text(configuration, key) is not { } text) return fallback;
        var match = Enum.GetNames<TEnum>().FirstOrDefault(n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
        if (match is not null) return Enum.Parse<TEnum>(match);
        throw Bad(configuration, key, text, $"one of {string.Join(", ", Enum.GetNames<TEnum>())}", fallback.ToString());
    }

    /// <summary>One of <paramref name="allowed"/>, in any case; answered as spelled in <paramref name="allowed"/>.</summary>
    public static string ReadChoice(this IConfiguration configuration, string key, string fallback, params string[] allowed)
    {
        if (Text(configuration, key) is not { } text) return fallback;
        return allowed.FirstOrDefault(a => string.Equals(a, text, StringComparison.OrdinalIgnoreCase))
            ?? throw Bad(configuration, key, text, $"one of {string.Join(", ", allowed)}", fallback);
    }

    /// <summary>Any text; absent or blank is the default.</summary>
    public static string ReadString(this IConfiguration configuration, string key, string fallback) => Text(configuration, key) ?? fallback;

    /// <summary>The setting at <paramref name="key"/> in its environment-variable form: <c>Messaging__Consumer__MaxDeliveryCount</c>.</summary>
    public static string EnvironmentName(IConfiguration configuration, string key)
    {
        var path = configuration is IConfigurationSection section ? ConfigurationPath.Combine(section.Path, key) : key;
        return path.Replace(ConfigurationPath.KeyDelimiter, "__", StringComparison.Ordinal);
    }

    /// <summary>A <see cref="SettingException"/> for a value that reads but does not fit with the others (say, a maximum below a minimum).</summary>
    public static SettingException Refuse(IConfiguration configuration, string key, string problem) =>
        new(EnvironmentName(configuration, key), $"{EnvironmentName(configuration, key)}: {problem}");

    private static int? ReadOptionalInt(this IConfiguration configuration, string key, int least, int most, string? fallback)
    {
        if (Text(configuration, key) is not { } text) return null;
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= least && value <= most) return value;
        var bounds = (least, most) switch
        {
            (int.MinValue, int.MaxValue) => "a whole number",
            (_, int.MaxValue) => $"a whole number of at least {least}",
            (int.MinValue, _) => $"a whole number of at most {most}",
            _ => $"a whole number from {least} to {most}",
        };
        throw Bad(configuration, key, text, bounds, fallback);
    }

    private static bool? ReadOptionalBool(this IConfiguration configuration, string key, string? fallback)
    {
        if (Text(configuration, key) is not { } text) return null;
        return bool.TryParse(text, out var value) ? value : throw Bad(configuration, key, text, "true or false", fallback);
    }

    private static string? Text(IConfiguration configuration, string key) =>
        configuration[key] is { } text && !string.IsNullOrWhiteSpace(text) ? text.Trim() : null;

    private static SettingException Bad(IConfiguration configuration, string key, string text, string allowed, string? fallback)
    {
        var name = EnvironmentName(configuration, key);
        var unset = fallback is null ? "" : $"; unset, it is {fallback}";
        return new SettingException(name, $"{name}='{text}' is not {allowed}{unset}");
    }

    private static string Show(TimeSpan span) =>
        span.TotalSeconds < 60 ? $"{span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s" : span.ToString("c", CultureInfo.InvariantCulture);
}
