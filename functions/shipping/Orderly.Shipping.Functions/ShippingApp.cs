using Microsoft.Azure.Functions.Worker.Builder;
using Orderly.Contracts;
using Orderly.Functions.Hosting;
using Orderly.Shipping;

namespace Orderly.Shipping.Functions;

/// <summary>The shipping Function App's services: the shared wiring over its entities and routes, and the shipping core.</summary>
public static class ShippingApp
{
    /// <summary>Registers what the app's triggers need; Program.cs builds and runs it, and Orderly.Functions.Tests resolves it.</summary>
    public static FunctionsApplicationBuilder AddShippingApp(this FunctionsApplicationBuilder builder)
    {
        builder.AddOrderlyFunctionApp(ShippingModule.Name, [Destinations.ShippingCommands], ShippingModule.Routes.All);
        builder.Services.AddShippingContext(builder.Configuration);
        return builder;
    }
}
