namespace Orderly.EndToEnd.Tests;

/// <summary>A test class against the shared shop; each class runs in parallel with the others, on its own skus and customers.</summary>
public abstract class ShopTest : IAsyncLifetime
{
    private ShopApi? _shop;

    protected ShopApi Shop => _shop ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => _shop = new ShopApi(await SharedShop.GetAsync());

    public Task DisposeAsync() => Task.CompletedTask;
}
