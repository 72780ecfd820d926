using Microsoft.Azure.Functions.Worker.Builder;
using Orderly.Functions.Hosting;
using Orderly.Inventory;

namespace Orderly.Inventory.Functions;

/// <summary>The inventory Function App's services: the shared wiring over its entities and routes, and the inventory core.</summary>
public static class InventoryApp
{
    /// <summary>Registers what the app's triggers need; Program.cs builds and runs it, and Orderly.Functions.Tests resolves it.</summary>
    public static FunctionsApplicationBuilder AddInventoryApp(this FunctionsApplicationBuilder builder)
    {
        builder.AddOrderlyFunctionApp(InventoryModule.Name, [InventoryOptions.Contract.CommandsQueue, InventoryOptions.Contract.AvailabilityEntity], InventoryModule.Routes.All);
        builder.Services.AddInventoryContext(builder.Configuration);
        return builder;
    }
}
