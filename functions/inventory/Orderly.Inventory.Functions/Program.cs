using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Orderly.Inventory.Functions;

// The inventory app: the core's handlers and endpoints over Cosmos DB and Service Bus (docs/azure-shell.md).
FunctionsApplication.CreateBuilder(args).AddInventoryApp().Build().Run();
