using Microsoft.Azure.Functions.Worker.Builder;
using Orderly.Functions.Hosting;
using Orderly.Orchestrations.Durable;

namespace Orderly.Checkout.Functions;

/// <summary>The checkout Function App's services: the shared wiring over its entities and routes, the checkout core, and Durable as its saga runtime.</summary>
public static class CheckoutApp
{
    /// <summary>Registers what the app's triggers need; Program.cs builds and runs it, and Orderly.Functions.Tests resolves it.</summary>
    public static FunctionsApplicationBuilder AddCheckoutApp(this FunctionsApplicationBuilder builder)
    {
        builder.AddOrderlyFunctionApp(CheckoutModule.Name, [CheckoutModule.OrderPlacedEntity, CheckoutModule.RepliesEntity], CheckoutModule.Routes.All);
        builder.Services.AddCheckoutContext(builder.Configuration);
        // The saga runtime here is Durable Functions: the handlers' ports go to the Durable client of the current invocation.
        builder.Services.AddDurableSagaRuntime(_ => DurableClientScope.Current);
        return builder;
    }
}
