using Xunit.Abstractions;

namespace Orderly.EndToEnd.Tests;

/// <summary>
/// One process owns a data folder (docs/local-host.md, "One process per data folder"): a second host started on it is refused
/// in one line naming the host that holds it, and the first one goes on as if nothing happened.
/// </summary>
public sealed class DataFolderTests(ITestOutputHelper output) : IAsyncLifetime
{
    private ShopHost? _host;

    public async Task InitializeAsync()
    {
        // Its own host: were the second one let in, it would take over the shared shop's locked messages.
        if (!ShopHost.IsExternal)
            _host = await ShopHost.StartOwnAsync(new Dictionary<string, string>());
    }

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
    }

    [Fact]
    public async Task A_second_host_on_the_same_data_folder_is_refused_with_a_clear_error_and_the_first_runs_on()
    {
        if (_host is null)
        {
            output.WriteLine("SKIPPED: ORDERLY_BASE_URL points at a shop these tests did not start; its data folder is not theirs.");
            return;
        }
        var (exitCode, printed) = await _host.RunAnotherOnTheSameDataAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(1, exitCode);
        Assert.Contains("orderly: the data folder ", printed, StringComparison.Ordinal);
        Assert.Contains("is in use by the local host with process id", printed, StringComparison.Ordinal);
        var shop = new ShopApi(_host);
        var sku = ShopApi.NewSku("owned");
        await shop.CreateProductAsync(sku, 1m, 1);
        var order = await shop.WaitForOutcomeAsync(await shop.PlaceOrderAsync(ShopApi.Order(ShopApi.NewCustomer(), [(sku, 1)])));
        Assert.Equal("Confirmed", order.Str("status"));
    }
}
