using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Orderly.Faults.Tests;

/// <summary>
/// Places orders as real clients do while a fault is on: each customer their own, each order with an Idempotency-Key, and a
/// request the shop did not accept (a dropped connection, 5xx, 429) sent again with the same key until it answers 202.
/// Products are created with more stock than the load can sell, so every order paid with a good card can confirm.
/// </summary>
public sealed class OrderLoad
{
    /// <summary>How long one order may keep being refused before the load gives up on it (and the scenario fails).</summary>
    public static readonly TimeSpan PlacementDeadline = TimeSpan.FromSeconds(60);

    private readonly ShopApi _shop;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private readonly string[] _skus;

    private OrderLoad(ShopApi shop, string[] skus, int stockEach)
    {
        _shop = shop;
        _skus = skus;
        InitialStock = skus.ToDictionary(s => s, _ => stockEach, StringComparer.Ordinal);
    }

    /// <summary>Stock of each sku before the run (for the books).</summary>
    public IReadOnlyDictionary<string, int> InitialStock { get; }

    /// <summary>Creates <paramref name="skus"/> products with stock for <paramref name="orders"/> orders of up to 2 units each, and signs in their customers.</summary>
    public static async Task<OrderLoad> PrepareAsync(ShopApi shop, int orders, int skus = 5)
    {
        var names = Enumerable.Range(0, skus).Select(i => ShopApi.NewSku($"fault{i}")).ToArray();
        var load = new OrderLoad(shop, names, orders * 2 + 10);
        foreach (var sku in names) await shop.CreateProductAsync(sku, 3.5m, load.InitialStock[sku]);
        // Signed in up front: a token cannot be fetched from a host that is down.
        await Task.WhenAll(Enumerable.Range(0, orders).Select(i => shop.CustomerAsync(load.Customer(i))));
        return load;
    }

    /// <summary>Places orders <paramref name="from"/>..<paramref name="from"/>+<paramref name="count"/> at <paramref name="perSecond"/>, paid with <paramref name="tokenFor"/>.</summary>
    public async Task<IReadOnlyList<PlacedOrder>> PlaceAsync(int from, int count, double perSecond, Func<int, string> tokenFor)
    {
        var clock = Stopwatch.StartNew();
        var placing = new List<Task<PlacedOrder>>(count);
        for (var n = 0; n < count; n++)
        {
            var wait = TimeSpan.FromSeconds(n / perSecond) - clock.Elapsed;
            if (wait > TimeSpan.Zero) await Task.Delay(wait);
            placing.Add(PlaceOneAsync(from + n, tokenFor(from + n)));
        }
        return await Task.WhenAll(placing);
    }

    private string Customer(int i) => $"fault-{_run}-{i}";

    private async Task<PlacedOrder> PlaceOneAsync(int i, string token)
    {
        var items = new[] { new OrderLine(_skus[i % _skus.Length], 1 + i % 2) };
        var body = ShopApi.Order(Customer(i), items.Select(l => (l.Sku, l.Quantity)), token);
        var clock = Stopwatch.StartNew();
        var last = "";
        while (clock.Elapsed < PlacementDeadline)
        {
            try
            {
                using var response = await _shop.PostOrderAsync(body, idempotencyKey: $"{_run}-{i}");
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    var orderId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("orderId").GetString()!;
                    return new PlacedOrder(orderId, Customer(i), items, token);
                }
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                if ((int)response.StatusCode < 500 && response.StatusCode != HttpStatusCode.TooManyRequests)
                    throw new InvalidOperationException($"order {i} was refused: {last}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message; // the host is down or restarting: the same key again
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"order {i} was not accepted within {PlacementDeadline}: {last}");
    }
}
