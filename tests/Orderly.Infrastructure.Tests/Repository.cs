namespace Orderly.Infrastructure.Tests;

/// <summary>Finds files of the repository the tests run in (the folder holding Orderly.slnx).</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    /// <summary>Files under a folder, skipping build output, dependencies and git internals.</summary>
    public static IEnumerable<string> FilesUnder(string relative, params string[] extensions) =>
        Directory.Exists(PathOf(relative))
            ? Directory.EnumerateFiles(PathOf(relative), "*", SearchOption.AllDirectories)
                .Where(f => !IsIgnored(f) && (extensions.Length == 0 || extensions.Any(e => f.EndsWith(e, StringComparison.OrdinalIgnoreCase))))
            : [];

    public static string Relative(string path) => Path.GetRelativePath(Root, path).Replace('\\', '/');

    private static bool IsIgnored(string path)
    {
        var parts = Relative(path).Split('/');
        return parts.Any(p => p is "bin" or "obj" or "node_modules" or ".git" or ".artifacts" or ".orderly-data" or ".azure");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orderly.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException("Orderly.slnx not found above " + AppContext.BaseDirectory);
    }
}
