using Microsoft.Azure.Functions.Worker.Builder;
using Orderly.Contracts;
using Orderly.Functions.Hosting;
using Orderly.Payments;

namespace Orderly.Payments.Functions;

/// <summary>The payments Function App's services: the shared wiring over its entities and routes, and the payments core.</summary>
public static class PaymentsApp
{
    /// <summary>Registers what the app's triggers need; Program.cs builds and runs it, and Orderly.Functions.Tests resolves it.</summary>
    public static FunctionsApplicationBuilder AddPaymentsApp(this FunctionsApplicationBuilder builder)
    {
        builder.AddOrderlyFunctionApp(PaymentsModule.Name, [Destinations.PaymentsCommands], PaymentsModule.Routes.All);
        builder.Services.AddPaymentsContext(builder.Configuration);
        return builder;
    }
}
