using System.Text;
using System.Text.Json;
using Orderly.Inventory;
using Orderly.Inventory.Http;

namespace Orderly.LocalHost;

/// <summary>
/// A few products with stock, so a newcomer can place an order at once. Loaded through the inventory's own HTTP endpoint
/// methods (validation, events and all), never by writing documents, and only for skus the shop does not know yet.
/// </summary>
public static class SampleCatalog
{
    /// <summary>The sample products: sku, name, unit price (EUR), stock.</summary>
    public static readonly IReadOnlyList<(string Sku, string Name, decimal UnitPrice, int Stock)> Products =
    [
        ("tshirt-blue", "Orderly T-shirt, blue", 19.99m, 100),
        ("mug-orderly", "Orderly mug", 9.50m, 50),
        ("sticker-pack", "Sticker pack", 2.00m, 500),
        ("last-unit", "The last one", 99.00m, 1),
    ];

    /// <summary>Creates the products that are missing; returns the skus it created.</summary>
    public static async Task<IReadOnlyList<string>> LoadAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var created = new List<string>();
        await using var scope = services.CreateAsyncScope();
        foreach (var (sku, name, unitPrice, stock) in Products)
        {
            var existing = await InventoryEndpoints.GetProduct(Request(scope.ServiceProvider, null), sku, cancellationToken);
            if (StatusOf(existing) != StatusCodes.Status404NotFound) continue;

            await Expect(InventoryEndpoints.PutProduct(Request(scope.ServiceProvider, new { name, unitPrice, currency = "EUR" }), sku, cancellationToken), sku);
            await Expect(InventoryEndpoints.AdjustStock(Request(scope.ServiceProvider, new { quantity = stock }), sku, cancellationToken), sku);
            created.Add(sku);
        }
        return created;
    }

    private static HttpRequest Request(IServiceProvider services, object? body)
    {
        var context = new DefaultHttpContext { RequestServices = services };
        if (body is not null)
        {
            context.Request.ContentType = "application/json";
            context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(body)));
        }
        return context.Request;
    }

    private static int StatusOf(IResult result) => result is IStatusCodeHttpResult { StatusCode: { } code } ? code : StatusCodes.Status200OK;

    private static async Task Expect(Task<IResult> call, string sku)
    {
        var result = await call;
        var status = StatusOf(result);
        if (status >= 300) throw new InvalidOperationException($"Loading the sample catalog: {InventoryModule.Name} answered {status} for '{sku}'.");
    }
}
