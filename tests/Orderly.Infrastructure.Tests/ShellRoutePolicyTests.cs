using System.Text.RegularExpressions;
using Orderly.Checkout;
using Orderly.Hosting;
using Orderly.Hosting.Access;
using Orderly.Inventory;
using Orderly.Notifications;
using Orderly.Operations;
using Orderly.Orders;
using Orderly.Payments;
using Orderly.Shipping;

namespace Orderly.Infrastructure.Tests;

/// <summary>
/// Every HTTP trigger of every Function App is a row of its context's route table (so it has a declared policy the worker
/// middleware enforces), and every row has its trigger: the apps serve exactly what the local host serves, behind the same door.
/// </summary>
public sealed class ShellRoutePolicyTests
{
    private static readonly Dictionary<string, (string Folder, string Module, IReadOnlyList<ApiRoute> Routes)> Apps = new()
    {
        ["orders"] = ("functions/orders/Orderly.Orders.Functions", nameof(OrdersModule), OrdersModule.Routes.All),
        ["inventory"] = ("functions/inventory/Orderly.Inventory.Functions", nameof(InventoryModule), InventoryModule.Routes.All),
        ["payments"] = ("functions/payments/Orderly.Payments.Functions", nameof(PaymentsModule), PaymentsModule.Routes.All),
        ["shipping"] = ("functions/shipping/Orderly.Shipping.Functions", nameof(ShippingModule), ShippingModule.Routes.All),
        ["notifications"] = ("functions/notifications/Orderly.Notifications.Functions", nameof(NotificationsModule), NotificationsModule.Routes.All),
        ["checkout"] = ("orchestrations/checkout/Orderly.Checkout.Functions", nameof(CheckoutModule), CheckoutModule.Routes.All),
        ["operations"] = ("functions/operations/Orderly.Operations.Functions", nameof(OperationsModule), OperationsModule.Routes.All),
    };

    /// <summary>The route a trigger declares for a row: the operations app serves from the root (routePrefix ""), the others under api/.</summary>
    private static string TriggerRouteOf(string app, ApiRoute row) => app == OperationsModule.Name ? row.Pattern.TrimStart('/') : row.FunctionRoute;

    // [Function(nameof(X.Routes.Name))] or [Function("Name")], then the method's [HttpTrigger(level, "method", Route = "route")].
    private static readonly Regex HttpFunction = new(
        @"\[Function\((?:nameof\((?:[\w.]+\.)?(?<name>\w+)\)|""(?<name>\w+)"")\)\][^\[]*?\(\s*\[HttpTrigger\(AuthorizationLevel\.\w+,\s*""(?<method>\w+)"",\s*Route\s*=\s*""(?<route>[^""]*)""\)\]",
        RegexOptions.Singleline);

    private sealed record Trigger(string Name, string Method, string Route);

    private static IReadOnlyList<Trigger> TriggersOf(string folder) =>
        Repository.FilesUnder(folder, ".cs")
            .SelectMany(f => HttpFunction.Matches(File.ReadAllText(f)))
            .Select(m => new Trigger(m.Groups["name"].Value, m.Groups["method"].Value.ToUpperInvariant(), m.Groups["route"].Value))
            .ToList();

    private static IReadOnlyList<ApiRoute> TableOf(string app) => [.. Apps[app].Routes, HealthEndpoint.Health];

    public static TheoryData<string> AppNames() => new(Apps.Keys);

    [Theory]
    [MemberData(nameof(AppNames))]
    public void Every_http_trigger_is_a_row_of_the_route_table_with_its_method_and_path(string app)
    {
        var triggers = TriggersOf(Apps[app].Folder);
        Assert.NotEmpty(triggers);
        var table = TableOf(app).ToDictionary(r => r.Name);
        foreach (var trigger in triggers)
        {
            Assert.True(table.TryGetValue(trigger.Name, out var row), $"{app}: HTTP function '{trigger.Name}' has no row in {Apps[app].Module}.Routes, so no policy");
            Assert.Equal(row!.Method, trigger.Method);
            Assert.Equal(TriggerRouteOf(app, row), trigger.Route);
        }
    }

    [Theory]
    [MemberData(nameof(AppNames))]
    public void Every_row_of_the_route_table_has_its_trigger(string app)
    {
        var names = TriggersOf(Apps[app].Folder).Select(t => t.Name).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.All(TableOf(app), row => Assert.Contains(row.Name, names));
    }

    // That each app puts these functions behind the access gate, with this table, is proved on the app's own wiring, built and
    // resolved: Orderly.Functions.Tests, FunctionAppWiringTests.Every_http_function_of_the_app_is_gated_by_its_context_s_route_table.

    [Fact]
    public void The_route_tables_declare_the_brief_s_policies()
    {
        string Access(ApiRoute r) => r.Policy.ToString();
        Assert.Equal("customer", Access(OrdersModule.Routes.PlaceOrder));
        Assert.Equal("customer | operator", Access(OrdersModule.Routes.GetOrder));
        Assert.Equal("customer | operator", Access(OrdersModule.Routes.GetCustomerOrders));
        Assert.Equal("customer | operator", Access(CheckoutModule.Routes.GetCheckout));
        Assert.Equal("customer | operator", Access(NotificationsModule.Routes.GetNotifications));
        Assert.Equal("shop-admin", Access(InventoryModule.Routes.PutProduct));
        Assert.Equal("shop-admin", Access(InventoryModule.Routes.AdjustStock));
        Assert.Equal("anyone", Access(InventoryModule.Routes.GetProduct));
        Assert.Equal("anyone", Access(InventoryModule.Routes.GetAvailability));
        Assert.Equal("operator", Access(PaymentsModule.Routes.GetPayments));
        Assert.Equal("operator", Access(ShippingModule.Routes.GetShipments));
        Assert.Equal("anyone", Access(HealthEndpoint.Health));
        Assert.All([OperationsModule.Routes.ConsolePage, OperationsModule.Routes.ConsoleFile, OperationsModule.Routes.ConsoleConfig],
            r => Assert.Equal("anyone", Access(r)));
        Assert.All([OperationsModule.Routes.ListDeadLetters, OperationsModule.Routes.ShowDeadLetter, OperationsModule.Routes.ResubmitDeadLetter,
            OperationsModule.Routes.IgnoreDeadLetter], r => Assert.Equal("operator", Access(r)));
        // The console's forwarded reads: operator only here, so a token without the role never leaves the operations app.
        Assert.Equal(["/api/orders", "/api/orders/{orderId}", "/api/customers/{customerId}/orders", "/api/checkout/{orderId}", "/api/health/{context}"],
            OperationsModule.Routes.Forwarded.Select(r => r.Pattern));
        Assert.All(OperationsModule.Routes.Forwarded, r => Assert.Equal(("GET", "operator"), (r.Method, Access(r))));
    }
}
