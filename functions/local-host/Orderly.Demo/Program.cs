using Orderly.Benchmarks;
using Orderly.Demo;

// dotnet run --project functions/local-host/Orderly.Demo [-- --base-url http://localhost:7071]
var line = new CommandLine("", "places one order per checkout scenario on a running shop and says what happened", args, "Orderly.Demo");
var baseUrl = line.Text("--base-url", Environment.GetEnvironmentVariable("ORDERLY_BASE_URL") is { Length: > 0 } env ? env : "http://localhost:7071",
    "the shop (or set ORDERLY_BASE_URL); the local host issues the tokens (POST /api/dev/token)");
var waitSeconds = line.Int("--wait", 180, "seconds to wait for one checkout to finish (the timeout scenario takes Checkout__StepTimeout x Checkout__StepAsks)");
if (line.Stop(out var exitCode)) return exitCode;

using var shop = new Shop(new Uri(baseUrl.TrimEnd('/') + "/"), TimeSpan.FromSeconds(waitSeconds));
try
{
    await shop.SignInAsync();
}
catch (HttpRequestException e)
{
    Console.Error.WriteLine($"Orderly.Demo: could not sign in at {baseUrl}: {e.Message}");
    Console.Error.WriteLine("  start the shop with `dotnet run --project functions/local-host/Orderly.LocalHost`, or pass --base-url");
    return 1;
}
return await new Walkthrough(shop, Console.Out).RunAsync() ? 0 : 1;
