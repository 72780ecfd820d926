using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

// Shared by the load benchmark and the fault suite (linked through their csproj): the one check that the shop's books balance.
namespace Orderly.TestSupport;

/// <summary>An order the shop accepted (202): its id, who placed it, what it asked for and how it pays.</summary>
public sealed record PlacedOrder(string OrderId, string CustomerId, IReadOnlyList<OrderLine> Items, string PaymentToken);

/// <summary>One line of an order: a sku and how many.</summary>
public sealed record OrderLine(string Sku, int Quantity);

/// <summary>
/// What the books say after a run, read over HTTP as an operator: each accepted order's outcome, and every way the books do
/// not balance (<see cref="Errors"/>). Stuck = accepted but not Confirmed or Cancelled; lost = accepted and then unknown (404);
/// duplicated effects = payments, shipments or notifications beyond one per order (and kind).
/// </summary>
public sealed record BooksReport(
    int Orders,
    int Confirmed,
    IReadOnlyDictionary<string, int> CancelledByReason,
    IReadOnlyList<string> Stuck,
    IReadOnlyList<string> Lost,
    int DuplicatedEffects,
    int CapturedPayments,
    IReadOnlyDictionary<string, string> OutcomeOf,
    IReadOnlyList<string> Errors)
{
    /// <summary>Every accepted order final, none lost, stock and payments agreeing with the outcomes, one effect each.</summary>
    public bool Balance => Errors.Count == 0;

    /// <summary>"confirmed 12; cancelled payment-declined 3, timeout 1" (or "cancelled 0").</summary>
    public string Outcomes =>
        $"confirmed {Confirmed}; cancelled " + (CancelledByReason.Count == 0 ? "0" : string.Join(", ", CancelledByReason.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value}")));
}

/// <summary>
/// The books of a run: outcomes, stock (onHand = initial − sold, reserved 0 for every sku), one captured payment per confirmed
/// order and none for a cancelled one, at most one payment and shipment per order and one notification per order and kind.
/// </summary>
public static class Books
{
    /// <summary>Polls the orders until each is Confirmed or Cancelled or <paramref name="timeout"/> passes; returns the final ones by id.</summary>
    public static async Task<IReadOnlyDictionary<string, JsonElement>> WaitForOutcomesAsync(HttpClient operatorClient, IReadOnlyCollection<string> orderIds,
        TimeSpan timeout, int concurrency = 16)
    {
        var outcomes = new ConcurrentDictionary<string, JsonElement>(StringComparer.Ordinal);
        var deadline = DateTime.UtcNow + timeout;
        var pending = orderIds.ToList();
        while (true)
        {
            using var gate = new SemaphoreSlim(concurrency);
            await Task.WhenAll(pending.Select(async id =>
            {
                await gate.WaitAsync();
                try
                {
                    using var response = await operatorClient.GetAsync($"api/orders/{id}");
                    if (!response.IsSuccessStatusCode) return;
                    var order = await response.Content.ReadFromJsonAsync<JsonElement>();
                    if (Status(order) is "Confirmed" or "Cancelled") outcomes[id] = order;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
                finally { gate.Release(); }
            }));
            pending = pending.Where(id => !outcomes.ContainsKey(id)).ToList();
            if (pending.Count == 0 || DateTime.UtcNow > deadline) return outcomes;
            await Task.Delay(250);
        }
    }

    /// <summary>Reads every order, sku, payment, shipment and notification of the run and says whether the books balance.</summary>
    public static async Task<BooksReport> CheckAsync(HttpClient operatorClient, IReadOnlyDictionary<string, int> initialStock,
        IReadOnlyList<PlacedOrder> orders, int concurrency = 16)
    {
        var errors = new ConcurrentQueue<string>();
        var status = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var reasons = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var lost = new ConcurrentBag<string>();
        var captured = 0;
        var duplicates = 0;
        using var gate = new SemaphoreSlim(concurrency);

        async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string path)
        {
            await gate.WaitAsync();
            try
            {
                using var response = await operatorClient.GetAsync(path);
                var body = response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : default;
                return (response.StatusCode, body);
            }
            finally { gate.Release(); }
        }

        await Task.WhenAll(orders.Select(async order =>
        {
            var (code, body) = await GetAsync($"api/orders/{order.OrderId}");
            if (code == HttpStatusCode.NotFound) { lost.Add(order.OrderId); return; }
            if (code != HttpStatusCode.OK) { errors.Enqueue($"order {order.OrderId}: GET answered {(int)code}"); return; }
            var outcome = Status(body) ?? "?";
            status[order.OrderId] = outcome;
            if (outcome == "Cancelled") reasons[order.OrderId] = Text(body, "cancellationReason") ?? "?";

            var payments = Items((await GetAsync($"api/payments?orderId={order.OrderId}")).Body);
            var capturedHere = payments.Count(p => string.Equals(Text(p, "status"), "captured", StringComparison.OrdinalIgnoreCase));
            Interlocked.Add(ref captured, capturedHere);
            var shipments = Items((await GetAsync($"api/shipments?orderId={order.OrderId}")).Body);
            Interlocked.Add(ref duplicates, Math.Max(0, payments.Count - 1) + Math.Max(0, shipments.Count - 1));
            if (outcome == "Confirmed" && capturedHere != 1) errors.Enqueue($"order {order.OrderId} Confirmed with {capturedHere} captured payments");
            if (outcome == "Cancelled" && capturedHere != 0) errors.Enqueue($"order {order.OrderId} Cancelled with {capturedHere} captured payments");
        }));

        // Notifications are kept per customer: one per order and kind (placed, confirmed, cancelled), never two.
        await Task.WhenAll(orders.Select(o => o.CustomerId).Distinct(StringComparer.Ordinal).Select(async customer =>
        {
            var mine = orders.Where(o => o.CustomerId == customer).Select(o => o.OrderId).ToHashSet(StringComparer.Ordinal);
            var sent = Items((await GetAsync($"api/notifications?customerId={Uri.EscapeDataString(customer)}")).Body);
            var extra = sent.Where(n => Text(n, "orderId") is { } id && mine.Contains(id))
                .GroupBy(n => (Text(n, "orderId"), Text(n, "kind"))).Sum(g => g.Count() - 1);
            Interlocked.Add(ref duplicates, extra);
        }));

        var sold = initialStock.Keys.ToDictionary(s => s, _ => 0, StringComparer.Ordinal);
        foreach (var order in orders.Where(o => status.GetValueOrDefault(o.OrderId) == "Confirmed"))
            foreach (var line in order.Items) sold[line.Sku] += line.Quantity;
        foreach (var (sku, initial) in initialStock)
        {
            var (code, product) = await GetAsync($"api/inventory/products/{sku}");
            if (code != HttpStatusCode.OK) { errors.Enqueue($"{sku}: GET answered {(int)code}"); continue; }
            var onHand = product.GetProperty("onHand").GetInt32();
            var reserved = product.GetProperty("reserved").GetInt32();
            if (onHand != initial - sold[sku] || reserved != 0)
                errors.Enqueue($"{sku}: onHand {onHand} reserved {reserved}, expected onHand {initial - sold[sku]} reserved 0");
        }

        var confirmed = status.Values.Count(s => s == "Confirmed");
        var stuck = orders.Where(o => status.TryGetValue(o.OrderId, out var s) && s is not ("Confirmed" or "Cancelled")).Select(o => o.OrderId).ToList();
        if (stuck.Count > 0) errors.Enqueue($"{stuck.Count} orders not final, e.g. {stuck[0]} {status[stuck[0]]}");
        if (!lost.IsEmpty) errors.Enqueue($"{lost.Count} accepted orders lost (404), e.g. {lost.First()}");
        if (captured != confirmed) errors.Enqueue($"captured payments {captured} != confirmed orders {confirmed}");
        if (duplicates > 0) errors.Enqueue($"{duplicates} duplicated effects (payments, shipments or notifications beyond one per order and kind)");
        var byReason = reasons.Values.GroupBy(r => r, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return new BooksReport(orders.Count, confirmed, byReason, stuck, lost.ToList(), duplicates, captured,
            new Dictionary<string, string>(status, StringComparer.Ordinal), errors.ToList());
    }

    private static string? Status(JsonElement order) => Text(order, "status");

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>A bare array, or the first array property of an object holding one.</summary>
    private static IReadOnlyList<JsonElement> Items(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Array => element.EnumerateArray().ToList(),
        JsonValueKind.Object => element.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Array).SelectMany(p => p.Value.EnumerateArray()).ToList(),
        _ => [],
    };
}
