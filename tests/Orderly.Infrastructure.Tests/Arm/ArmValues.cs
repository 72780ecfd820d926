using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Orderly.Infrastructure.Tests.Arm;

/// <summary>
/// A value only Azure knows at deployment time (a new identity's principal id, an account's endpoint). It is kept as the
/// expression that would produce it, so two of them are equal exactly when they read the same property of the same resource.
/// </summary>
internal sealed record ArmRuntime(string Expression)
{
    public ArmRuntime Get(string property) => new($"{Expression}.{property}");

    public override string ToString() => "{" + Expression + "}";
}

/// <summary>A <c>lambda(...)</c> argument of map/filter: its parameter names and unevaluated body.</summary>
internal sealed record ArmLambda(IReadOnlyList<string> Parameters, ArmNode Body, ArmScope Scope);

/// <summary>
/// The values an expression evaluates to: string, long, bool, null, <see cref="List{T}"/> of values, objects as dictionaries
/// with case-insensitive keys (ARM property names are), and <see cref="ArmRuntime"/> for what only Azure knows.
/// </summary>
internal static class ArmValues
{
    public static Dictionary<string, object?> NewObject() => new(StringComparer.OrdinalIgnoreCase);

    public static object? FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out var n) ? (object)n : element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.Array => element.EnumerateArray().Select(FromJson).ToList(),
        _ => element.EnumerateObject().Aggregate(NewObject(), (o, p) => { o[p.Name] = FromJson(p.Value); return o; }),
    };

    /// <summary>A value as ARM's format() and concat() write it into a string.</summary>
    public static string Text(object? value) => value switch
    {
        null => "",
        string s => s,
        bool b => b ? "True" : "False",
        long n => n.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString(CultureInfo.InvariantCulture),
        ArmRuntime r => r.ToString(),
        _ => Json(value),
    };

    public static string Json(object? value) => JsonSerializer.Serialize(Plain(value));

    private static object? Plain(object? value) => value switch
    {
        Dictionary<string, object?> o => o.ToDictionary(p => p.Key, p => Plain(p.Value)),
        List<object?> a => a.Select(Plain).ToList(),
        ArmRuntime r => r.ToString(),
        _ => value,
    };

    public static bool Same(object? a, object? b) => a switch
    {
        string s => b is string t && string.Equals(s, t, StringComparison.OrdinalIgnoreCase),
        List<object?> or Dictionary<string, object?> => Json(a) == Json(b),
        _ => Equals(a, b),
    };

    /// <summary>
    /// Stands in for ARM's guid(): deterministic, and equal for equal arguments. The arguments are joined with '-' first, so
    /// argument lists that only differ in where a '-' falls collide here as they may in ARM: the conservative reading.
    /// </summary>
    public static string Guid(IEnumerable<string> parts)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('-', parts)));
        return new Guid(hash.AsSpan(0, 16)).ToString();
    }

    /// <summary>Stands in for uniqueString(): 13 lowercase characters, deterministic in its arguments.</summary>
    public static string UniqueString(IEnumerable<string> parts)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('-', parts)));
        return new string(hash.Take(13).Select(b => alphabet[b % alphabet.Length]).ToArray());
    }
}
