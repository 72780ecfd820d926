using Microsoft.Azure.Functions.Worker.Builder;
using Orderly.Functions.Hosting;
using Orderly.Orders;

namespace Orderly.Orders.Functions;

/// <summary>The orders Function App's services: the shared wiring over its entities and routes, and the orders core.</summary>
public static class OrdersApp
{
    /// <summary>Registers what the app's triggers need; Program.cs builds and runs it, and Orderly.Functions.Tests resolves it.</summary>
    public static FunctionsApplicationBuilder AddOrdersApp(this FunctionsApplicationBuilder builder)
    {
        builder.AddOrderlyFunctionApp(OrdersModule.Name, [OrdersMessaging.Contract.CommandsQueue, OrdersMessaging.Contract.ReadModelEntity], OrdersModule.Routes.All);
        builder.Services.AddOrdersContext(builder.Configuration);
        return builder;
    }
}
