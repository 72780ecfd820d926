using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Orderly.Functions.Http;
using Orderly.Functions.Shell;
using Orderly.Inventory;

// The inventory app: the core's handlers and endpoints over Cosmos DB and Service Bus (docs/azure-shell.md).
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.AddOrderlyFunctionApp(InventoryModule.Name, [InventoryOptions.Contract.CommandsQueue, InventoryOptions.Contract.AvailabilityEntity]);
builder.AddRouteAccess(InventoryModule.Routes.All);
builder.Services.AddInventoryContext(builder.Configuration);
builder.Build().Run();
