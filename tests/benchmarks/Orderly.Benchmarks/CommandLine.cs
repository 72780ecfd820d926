using System.Globalization;

namespace Orderly.Benchmarks;

/// <summary>
/// One benchmark's options, declared where they are read (name, default, what it does): <c>--help</c> lists them and runs
/// nothing, and an option nobody declared, or a value that does not parse, stops the run naming it (exit code 2). Also the
/// demo's (functions/local-host/Orderly.Demo links this file), with its own program name and no command.
/// </summary>
public sealed class CommandLine(string command, string summary, string[] args, string program = "Orderly.Benchmarks")
{
    private readonly string _name = command.Length == 0 ? program : $"{program} {command}";
    private readonly List<(string Name, string Default, string Help)> _declared = [];
    private readonly List<string> _problems = [];

    /// <summary>A text option.</summary>
    public string Text(string name, string fallback, string help)
    {
        _declared.Add((name, fallback, help));
        return ValueOf(name) ?? fallback;
    }

    /// <summary>A whole-number option of at least <paramref name="least"/>.</summary>
    public int Int(string name, int fallback, string help, int least = 1)
    {
        _declared.Add((name, fallback.ToString(CultureInfo.InvariantCulture), help));
        if (ValueOf(name) is not { } text) return fallback;
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= least) return value;
        _problems.Add($"{name} '{text}' is not a whole number of at least {least}");
        return fallback;
    }

    /// <summary>A number option; null when not given and <paramref name="fallback"/> is null.</summary>
    public double? Number(string name, double? fallback, string help)
    {
        _declared.Add((name, fallback?.ToString(CultureInfo.InvariantCulture) ?? "(none)", help));
        if (ValueOf(name) is not { } text) return fallback;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0) return value;
        _problems.Add($"{name} '{text}' is not a number above 0");
        return fallback;
    }

    /// <summary>
    /// After every option is declared: true when the run must not go on (help asked for, or a bad command line), with the
    /// process's exit code; the usage or the problems are printed.
    /// </summary>
    public bool Stop(out int exitCode)
    {
        foreach (var given in args.Where(a => a.StartsWith("--", StringComparison.Ordinal) && a != "--help"))
            if (_declared.All(d => d.Name != given)) _problems.Add($"unknown option {given}");
        var help = args.Contains("--help") || args.Contains("-h");
        if (!help && _problems.Count == 0)
        {
            exitCode = 0;
            return false;
        }
        foreach (var problem in _problems) Console.Error.WriteLine($"{(command.Length == 0 ? program : command)}: {problem}");
        var usage = help && _problems.Count == 0 ? Console.Out : Console.Error;
        usage.WriteLine($"usage: {_name} [options]   {summary}");
        foreach (var (name, fallback, text) in _declared) usage.WriteLine($"  {name,-18} {text} (default {fallback})");
        exitCode = _problems.Count == 0 ? 0 : 2;
        return true;
    }

    private string? ValueOf(string name)
    {
        var i = Array.IndexOf(args, name);
        if (i < 0) return null;
        if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) return args[i + 1];
        _problems.Add($"{name} needs a value");
        return null;
    }
}
