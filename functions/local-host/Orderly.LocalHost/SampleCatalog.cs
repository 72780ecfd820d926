using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Orderly.Hosting.Access;
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

    /// <summary>The host itself, as the shop admin who loads the catalog (named in the inventory's audit log lines).</summary>
    private static readonly ClaimsPrincipal Host = new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, "local-host"), new Claim(ClaimTypes.Role, Roles.ShopAdmin)], authenticationType: "local-host"));

    /// <summary>Creates the products that are missing; returns the skus it created.</summary>
    public static async Task<IReadOnlyList<string>> LoadAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var created = new List<string>();
        var inventory = services.GetRequiredService<InventoryServices>();
        foreach (var (sku, name, unitPrice, stock) in Products)
        {
            var existing = await InventoryEndpoints.GetProduct(sku, inventory, cancellationToken);
            if (StatusOf(existing.Result) != StatusCodes.Status404NotFound) continue;

            Expect((await InventoryEndpoints.PutProduct(Request(new { name, unitPrice, currency = "EUR" }), sku, Host, inventory, cancellationToken)).Result, sku);
            Expect((await InventoryEndpoints.AdjustStock(Request(new { quantity = stock }), sku, Host, inventory, cancellationToken)).Result, sku);
            created.Add(sku);
        }
        return created;
    }

    private static HttpRequest Request(object body)
    {
        var context = new DefaultHttpContext();
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(body)));
        return context.Request;
    }

    private static int StatusOf(IResult result) => result is IStatusCodeHttpResult { StatusCode: { } code } ? code : StatusCodes.Status200OK;

    private static void Expect(IResult result, string sku)
    {
        var status = StatusOf(result);
        if (status >= 300) throw new InvalidOperationException($"Loading the sample catalog: {InventoryModule.Name} answered {status} for '{sku}'.");
    }
}
