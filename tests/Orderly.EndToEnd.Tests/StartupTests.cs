using System.Net;
using System.Net.Http.Json;
using Xunit.Abstractions;

namespace Orderly.EndToEnd.Tests;

/// <summary>
/// What a person sees when the local host cannot start: one line saying what is wrong and which setting fixes it, exit code 1,
/// no stack trace, and nothing touched; and that <c>--reset</c> starts afresh. These start their own hosts on their own folders.
/// </summary>
public sealed class StartupTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "orderly-startup-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly List<LocalHostProcess> _hosts = [];

    private static bool External => ShopHost.IsExternal;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        foreach (var host in _hosts) host.Dispose();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return Task.CompletedTask;
    }

    private LocalHostProcess Start(string data, int port, params string[] arguments) => Start(data, port, new Dictionary<string, string>(), arguments);

    private LocalHostProcess Start(string data, int port, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var host = LocalHostProcess.Start(Path.Combine(_folder, data), port, environment, arguments);
        _hosts.Add(host);
        return host;
    }

    [Fact]
    public async Task A_second_host_on_a_held_data_folder_or_a_busy_port_says_so_in_one_line_and_exits_1()
    {
        if (External) { output.WriteLine("SKIPPED: ORDERLY_BASE_URL is set; these tests start hosts of their own."); return; }
        var first = Start("shop", LocalHostProcess.FreePort());
        await first.WaitUntilHealthyAsync();

        var sameFolder = Start("shop", LocalHostProcess.FreePort());
        var (folderExit, folderLines) = await sameFolder.WaitForExitAsync();
        var busyPort = Start("other", first.Port);
        var (portExit, portLines) = await busyPort.WaitForExitAsync();

        Assert.Equal(1, folderExit);
        var folderLine = Assert.Single(folderLines);
        Assert.StartsWith("orderly: the data folder ", folderLine, StringComparison.Ordinal);
        Assert.Contains($"process id {first.ProcessId}", folderLine, StringComparison.Ordinal);
        Assert.Contains("ORDERLY_DATA_PATH", folderLine, StringComparison.Ordinal);
        Assert.Equal(1, portExit);
        var portLine = Assert.Single(portLines);
        Assert.StartsWith($"orderly: cannot listen on http://127.0.0.1:{first.Port}", portLine, StringComparison.Ordinal);
        Assert.Contains("ORDERLY_URLS", portLine, StringComparison.Ordinal);
        // The refused hosts touched nothing: the first still answers, and the other folder holds no database.
        Assert.Equal(HttpStatusCode.OK, (await first.Client.GetAsync("api/health")).StatusCode);
        Assert.False(File.Exists(Path.Combine(_folder, "other", "orderly.db")));
    }

    [Fact]
    public async Task A_data_path_that_cannot_be_a_folder_is_named_with_its_setting()
    {
        if (External) { output.WriteLine("SKIPPED: ORDERLY_BASE_URL is set; these tests start hosts of their own."); return; }
        Directory.CreateDirectory(_folder);
        await File.WriteAllTextAsync(Path.Combine(_folder, "a-file"), "not a folder");

        var (exit, lines) = await Start(Path.Combine("a-file", "data"), LocalHostProcess.FreePort()).WaitForExitAsync();

        Assert.Equal(1, exit);
        var line = Assert.Single(lines);
        Assert.StartsWith("orderly: cannot create the data folder ", line, StringComparison.Ordinal);
        Assert.Contains("ORDERLY_DATA_PATH", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Messaging__Consumer__MaxDeliveryCount", "lots")] // was silently the default
    [InlineData("Health__LoopUnhealthyAfter", "soon")] // a duration; was silently the default
    [InlineData("Checkout__StepTimeout", "30 minutes")] // was a stack trace at the first order
    [InlineData("Messaging__LockDuration", "forever")] // was a stack trace at start
    public async Task A_bad_setting_is_named_in_one_line_and_the_host_exits_1(string setting, string value)
    {
        if (External) { output.WriteLine("SKIPPED: ORDERLY_BASE_URL is set; these tests start hosts of their own."); return; }

        var (exit, lines) = await Start("bad", LocalHostProcess.FreePort(), new Dictionary<string, string> { [setting] = value }).WaitForExitAsync();

        Assert.Equal(1, exit);
        var line = Assert.Single(lines);
        Assert.StartsWith($"orderly: {setting}='{value}' is not ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_json_logs_standard_output_holds_only_json_lines_and_the_banner_goes_to_standard_error()
    {
        if (External) { output.WriteLine("SKIPPED: ORDERLY_BASE_URL is set; these tests start hosts of their own."); return; }
        var host = Start("json", LocalHostProcess.FreePort(), new Dictionary<string, string>
        {
            ["Logging__Format"] = "json",
            ["Logging__LogLevel__Default"] = "Information",
        });
        await host.WaitUntilHealthyAsync();
        using (await host.Client.GetAsync("api/orders/none")) { } // a 401, and log lines around it
        host.Dispose();

        Assert.NotEmpty(host.StandardOutput);
        Assert.All(host.StandardOutput, line => System.Text.Json.JsonDocument.Parse(line).Dispose());
        Assert.Contains(host.StandardError, line => line.StartsWith("Orderly local host (embedded mode) listening on", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reset_starts_the_shop_afresh_on_the_same_folder()
    {
        if (External) { output.WriteLine("SKIPPED: ORDERLY_BASE_URL is set; these tests start hosts of their own."); return; }
        var sku = ShopApi.NewSku("reset");
        var first = Start("shop", LocalHostProcess.FreePort());
        await first.WaitUntilHealthyAsync();
        var admin = await first.SignedInAsync("admin-1", "shop-admin");
        using (var put = await admin.PutAsJsonAsync($"api/inventory/products/{sku}", new { name = "Kept until reset", unitPrice = 1.5m, currency = "EUR" }))
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        first.Dispose();

        var again = Start("shop", LocalHostProcess.FreePort());
        await again.WaitUntilHealthyAsync();
        Assert.Equal(HttpStatusCode.OK, (await again.Client.GetAsync($"api/inventory/products/{sku}")).StatusCode);
        again.Dispose();

        var reset = Start("shop", LocalHostProcess.FreePort(), "--reset");
        await reset.WaitUntilHealthyAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await reset.Client.GetAsync($"api/inventory/products/{sku}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await reset.Client.GetAsync("api/inventory/products/tshirt-blue")).StatusCode);
    }
}
