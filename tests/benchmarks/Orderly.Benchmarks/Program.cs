using System.Reflection;

// dotnet run -c Release --project tests/benchmarks/Orderly.Benchmarks -- <store|bus|load|peers|cost|startup|memory|messages> [options]
// Each benchmark is a class Orderly.Benchmarks.<Name>Benchmark with: public static Task<int> RunAsync(string[] args).
var names = typeof(Program).Assembly.GetTypes()
    .Where(t => t.Namespace == "Orderly.Benchmarks" && t.Name.EndsWith("Benchmark", StringComparison.Ordinal))
    .ToDictionary(t => t.Name[..^"Benchmark".Length].ToLowerInvariant(), t => t);

if (args.Length == 0 || !names.TryGetValue(args[0].ToLowerInvariant(), out var type))
{
    var help = args is ["--help"] or ["-h"];
    (help ? Console.Out : Console.Error).WriteLine(
        $"usage: Orderly.Benchmarks <{string.Join('|', names.Keys.Order())}> [options]   (<command> --help lists its options)");
    return help ? 0 : 2;
}

var run = type.GetMethod("RunAsync", BindingFlags.Public | BindingFlags.Static)
    ?? throw new InvalidOperationException($"{type.Name} has no public static RunAsync(string[]).");
return await (Task<int>)run.Invoke(null, [args[1..]])!;
