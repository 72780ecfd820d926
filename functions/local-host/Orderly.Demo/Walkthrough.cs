using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Orderly.Demo;

/// <summary>
/// Places one order per scenario, one after another, waits for its checkout and prints what happened in a few lines; then
/// the dead letters. The timeout scenario runs last: its hanging payment calls would slow the others.
/// </summary>
public sealed class Walkthrough(Shop shop, TextWriter output)
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private readonly List<string> _orders = [];

    private IReadOnlyList<Scenario> Scenarios() =>
    [
        new("happy", "happy path", "tshirt-blue", 2, "tok_visa", "GB", "Confirmed", null,
            "every step succeeded; the stock is committed, the card captured, a shipment made"),
        new("declined", "declined card", "sticker-pack", 5, "tok_decline_card", "GB", "Cancelled", "payment-declined",
            "the provider declined; the saga released the reserved stock and cancelled the order"),
        new("out-of-stock", "out of stock", "last-unit", 2, "tok_visa", "GB", "Cancelled", "out-of-stock",
            "last-unit has 1 on hand; nothing was reserved and no card was charged"),
        new("shipping", "shipping rejected", "mug-orderly", 1, "tok_visa", "AQ", "Cancelled", "shipping-unavailable",
            "nobody ships to Antarctica (AQ); the saga voided the payment and released the stock"),
        // The simulated provider counts a flaky token's failures per token, so each run has its own.
        new("flaky", "flaky card", "mug-orderly", 1, $"tok_flaky_{_run}", "GB", "Confirmed", null,
            "the provider failed twice; the payments edge asked again inside the call (Payments__ProviderRetries, 2), so the saga just saw it succeed"),
        new("timeout", "payment times out", "sticker-pack", 1, $"tok_timeout_{_run}", "GB", "Cancelled", "timeout",
            "the provider never answered; the saga gave up on the step and released the stock")
        {
            WaitNote = "waiting: the provider never answers, so the saga waits Checkout__StepTimeout x Checkout__StepAsks (30 s x 2 by default) before it cancels",
        },
    ];

    /// <summary>Runs every scenario and the triage; true when each scenario ended as it should.</summary>
    public async Task<bool> RunAsync()
    {
        output.WriteLine($"Orderly demo against {shop.BaseUrl} (run {_run}; signed in as customer '{Shop.Customer}' and operator 'ops' from POST /api/dev/token)");
        var allAsExpected = true;
        foreach (var scenario in Scenarios())
            allAsExpected &= await RunAsync(scenario);
        await TriageAsync();
        output.WriteLine(allAsExpected ? "every scenario ended as expected" : "some scenarios did NOT end as expected (see above)");
        return allAsExpected;
    }

    private async Task<bool> RunAsync(Scenario scenario)
    {
        output.WriteLine();
        output.WriteLine($"== {scenario.Title}: {scenario.Quantity} x {scenario.Sku}, card {scenario.PaymentToken}, to {scenario.Country}");
        var before = await shop.StockAsync(scenario.Sku);
        var key = $"demo-{scenario.Key}-{_run}";
        var clock = Stopwatch.StartNew();
        var orderId = await shop.PlaceAsync(key, scenario.Sku, scenario.Quantity, scenario.PaymentToken, scenario.Country);
        _orders.Add(orderId);
        output.WriteLine($"   placed {orderId} (202 Accepted, Idempotency-Key {key})");
        if (scenario.WaitNote is { } note) output.WriteLine($"   {note}");
        output.Flush();

        var checkout = await shop.FinishedCheckoutAsync(orderId);
        var order = await shop.OrderAsync(orderId);
        var after = await shop.StockAsync(scenario.Sku);
        var outcome = Outcome(order);
        output.WriteLine($"   {outcome} after {clock.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s{Total(order)}: {scenario.Why}");
        output.WriteLine($"   saga {checkout.GetProperty("status").GetString()}: {Steps(checkout)}");
        output.WriteLine($"   {scenario.Sku} on hand {before.OnHand} -> {after.OnHand}, reserved {after.Reserved}");
        if (outcome == scenario.Expected) return true;
        output.WriteLine($"   UNEXPECTED: should have been {scenario.Expected}");
        return false;
    }

    private async Task TriageAsync()
    {
        output.WriteLine();
        output.WriteLine("== dead-letter triage (operator): GET /api/admin/dead-letters?status=Pending");
        var pending = await shop.PendingDeadLettersAsync();
        // A letter is this run's when its message id names one of this run's orders (commands are named after the order).
        var ours = pending.Where(l => _orders.Any(o => Text(l, "messageId").Contains(o, StringComparison.Ordinal))).ToList();
        output.WriteLine($"   {pending.Count} pending, {ours.Count} from this run's orders");
        foreach (var letter in ours)
        {
            var id = Text(letter, "id");
            output.WriteLine($"   {id}: {Text(letter, "type")} on {Text(letter, "entity")}, {Text(letter, "reason")}: {Text(letter, "description")}");
            var status = await shop.IgnoreAsync(id, $"demo run {_run}: the saga already cancelled the order (timeout)");
            output.WriteLine($"   -> {status} with a note (POST …/{id}/ignore); a resubmit would send it to its queue again, once");
        }
        if (ours.Count == 0)
            output.WriteLine("   none from this run: a message lands here after Messaging__Consumer__MaxDeliveryCount failed deliveries (10); "
                + "start the host with Messaging__Consumer__MaxDeliveryCount=3 and the timeout card's authorize command is dead-lettered within a minute (docs/local-host.md §7)");
    }

    private static string Outcome(JsonElement order) =>
        order.TryGetProperty("cancellationReason", out var reason) && reason.ValueKind == JsonValueKind.String
            ? $"{Text(order, "status")} {reason.GetString()}"
            : Text(order, "status");

    private static string Total(JsonElement order) =>
        order.TryGetProperty("total", out var total) && total.ValueKind == JsonValueKind.Object
            ? $", total {total.GetProperty("amount").GetDecimal().ToString(CultureInfo.InvariantCulture)} {total.GetProperty("currency").GetString()}"
            : "";

    private static string Steps(JsonElement checkout)
    {
        var steps = checkout.GetProperty("steps").EnumerateArray()
            .Select(s => Text(s, "status") == "Succeeded" ? Text(s, "name") : $"{Text(s, "name")} {Text(s, "status")}{Detail(s)}");
        var compensations = checkout.GetProperty("compensations").EnumerateArray().Select(c => Text(c, "name")).ToList();
        var said = string.Join(", ", steps);
        return compensations.Count == 0 ? said : $"{said}; compensated by {string.Join(", ", compensations)}";
    }

    private static string Detail(JsonElement step) =>
        step.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String ? $" ({detail.GetString()})" : "";

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
}
