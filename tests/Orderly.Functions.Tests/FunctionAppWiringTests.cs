using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orderly.Checkout.Functions;
using Orderly.Checkout;
using Orderly.Functions.Hosting;
using Orderly.Functions.Http;
using Orderly.Hosting;
using Orderly.Hosting.Access;
using Orderly.Inventory;
using Orderly.Notifications;
using Orderly.Orders;
using Orderly.Payments;
using Orderly.Shipping;
using Orderly.Inventory.Functions;
using Orderly.Operations;
using Orderly.Operations.Functions;
using Orderly.Notifications.Functions;
using Orderly.Orders.Functions;
using Orderly.Payments.Functions;
using Orderly.Shipping.Functions;

namespace Orderly.Functions.Tests;

/// <summary>
/// Each Function App, wired by its own code and started from its own sample settings, can build every trigger class it
/// declares: a missing registration would otherwise surface only as a failed invocation in Azure.
/// </summary>
public sealed class FunctionAppWiringTests
{
    private sealed record App(string Folder, Func<FunctionsApplicationBuilder, FunctionsApplicationBuilder> Add, Type[] HttpTriggers,
        Type[] ServiceBusTriggerDependencies, IReadOnlyList<ApiRoute> Routes);

    // The Service Bus and change-feed trigger classes do not compile here; what they take from DI is listed instead
    // (each app's *Messages.cs constructor), and OneTopologyTests reads those files.
    private static readonly Type[] ContextMessages = [typeof(ServiceBusConsumer), typeof(OutboxChangeFeed)];

    private static readonly Dictionary<string, App> Apps = new()
    {
        ["orders"] = new("functions/orders/Orderly.Orders.Functions", b => b.AddOrdersApp(), [typeof(OrdersHttp)], ContextMessages, OrdersModule.Routes.All),
        ["inventory"] = new("functions/inventory/Orderly.Inventory.Functions", b => b.AddInventoryApp(), [typeof(InventoryHttp)], ContextMessages, InventoryModule.Routes.All),
        ["payments"] = new("functions/payments/Orderly.Payments.Functions", b => b.AddPaymentsApp(), [typeof(PaymentsHttp)], ContextMessages, PaymentsModule.Routes.All),
        ["shipping"] = new("functions/shipping/Orderly.Shipping.Functions", b => b.AddShippingApp(), [typeof(ShippingHttp)], ContextMessages, ShippingModule.Routes.All),
        ["notifications"] = new("functions/notifications/Orderly.Notifications.Functions", b => b.AddNotificationsApp(), [typeof(NotificationsHttp)], ContextMessages, NotificationsModule.Routes.All),
        ["checkout"] = new("orchestrations/checkout/Orderly.Checkout.Functions", b => b.AddCheckoutApp(),
            [typeof(CheckoutHttp), typeof(CheckoutOrchestration)], [typeof(ServiceBusConsumer)], CheckoutModule.Routes.All),
        // HTTP triggers only: it consumes nothing, it triages every entity's dead letters.
        ["operations"] = new("functions/operations/Orderly.Operations.Functions", b => b.AddOperationsApp(), [typeof(OperationsHttp)], [], OperationsModule.Routes.All),
    };

    public static TheoryData<string> AppNames => [.. Apps.Keys];

    [Theory]
    [MemberData(nameof(AppNames))]
    public void Every_trigger_class_of_the_app_can_be_built_from_its_services(string name)
    {
        var app = Apps[name];
        using var host = AppHosts.Build(app.Folder, app.Add);

        foreach (var trigger in app.HttpTriggers)
            Assert.NotNull(ActivatorUtilities.CreateInstance(host.Services, trigger));
        foreach (var dependency in app.ServiceBusTriggerDependencies)
            Assert.NotNull(host.Services.GetRequiredService(dependency));
        Assert.NotNull(host.Services.GetRequiredService<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckService>());
    }

    [Theory]
    [MemberData(nameof(AppNames))]
    public void Every_http_function_of_the_app_is_gated_by_its_context_s_route_table(string name)
    {
        var app = Apps[name];
        using var host = AppHosts.Build(app.Folder, app.Add);

        var gated = host.Services.GetRequiredService<FunctionRoutes>().All.Select(r => r.Name).Order(StringComparer.Ordinal);
        Assert.Equal(app.Routes.Append(HealthEndpoint.Health).Select(r => r.Name).Order(StringComparer.Ordinal), gated);
        Assert.NotNull(host.Services.GetService<FunctionAccessMiddleware>());
    }

    [Fact]
    public void An_app_whose_sample_settings_lack_the_token_issuer_refuses_to_start_naming_the_setting()
    {
        var app = Apps["orders"];
        var error = Assert.ThrowsAny<Exception>(() =>
        {
            using var host = AppHosts.Build(app.Folder, b =>
            {
                b.Configuration["Auth:Issuer"] = "";
                return app.Add(b);
            });
        });
        Assert.Contains("Auth__Issuer", error.Message, StringComparison.Ordinal);
    }
}
