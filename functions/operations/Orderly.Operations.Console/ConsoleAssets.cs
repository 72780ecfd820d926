using System.Collections.Frozen;
using System.Reflection;

namespace Orderly.Operations.Console;

/// <summary>One file of the console: its bytes, the media type to serve it with, and the headers every host sends with it.</summary>
public sealed record ConsoleAsset(string Path, byte[] Content, string ContentType)
{
    // The page loads only its own files and calls only its own host; inline style attributes are the one exception.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>
    /// The headers to serve the file with, in both hosts: built into the assembly, so a new build is a new page and the browser
    /// asks again (<c>no-cache</c>); never sniffed as another type; and the page under its content security policy.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; } =
    [
        new("Cache-Control", "no-cache"),
        new("X-Content-Type-Options", "nosniff"),
        .. ContentType.StartsWith("text/html", StringComparison.Ordinal) ? [new KeyValuePair<string, string>("Content-Security-Policy", ContentSecurityPolicy)] : Array.Empty<KeyValuePair<string, string>>(),
    ];
}

/// <summary>
/// The console's files, read once from this assembly's embedded resources. Hosts serve them as they are:
/// <c>/</c> is <c>index.html</c>, anything else by its path under <c>wwwroot/</c>.
/// </summary>
public static class ConsoleAssets
{
    private const string Prefix = "console/";

    private static readonly FrozenDictionary<string, ConsoleAsset> Files = Load();

    /// <summary>Every file's path, relative to the console's root (e.g. <c>index.html</c>, <c>app.js</c>).</summary>
    public static IEnumerable<string> Paths => Files.Keys;

    /// <summary>The file at <paramref name="path"/> (an empty path or <c>/</c> is <c>index.html</c>), or false when there is none.</summary>
    public static bool TryGet(string? path, out ConsoleAsset asset)
    {
        var key = string.IsNullOrEmpty(path) || path == "/" ? "index.html" : path.TrimStart('/');
        return Files.TryGetValue(key, out asset!);
    }

    private static FrozenDictionary<string, ConsoleAsset> Load()
    {
        var assembly = typeof(ConsoleAssets).Assembly;
        var files = new Dictionary<string, ConsoleAsset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(Prefix, StringComparison.Ordinal)) continue;
            // MSBuild writes RecursiveDir with the OS separator; paths here are URL paths.
            var path = name[Prefix.Length..].Replace('\\', '/');
            files[path] = new ConsoleAsset(path, Read(assembly, name), ContentTypeOf(path));
        }
        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static byte[] Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static string ContentTypeOf(string path) => Path.GetExtension(path) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        ".json" => "application/json; charset=utf-8",
        _ => "application/octet-stream",
    };
}
