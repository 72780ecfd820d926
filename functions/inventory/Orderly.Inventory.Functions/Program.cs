using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Orderly.Functions.Http;
using Orderly.Functions.Shell;
using Orderly.Inventory;

// The inventory app: the core's handlers and endpoints over Cosmos DB and Service Bus (docs/azure-shell.md).
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
var options = InventoryOptions.From(builder.Configuration);
builder.AddOrderlyFunctionApp(InventoryModule.Name, [options.CommandsQueue, options.AvailabilityEntity]);
builder.AddRouteAccess(InventoryModule.Routes.All);
builder.Services.AddInventoryContext(builder.Configuration);
builder.Build().Run();
