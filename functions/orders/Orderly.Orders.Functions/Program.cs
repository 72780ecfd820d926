using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Orderly.Orders.Functions;

// The orders app: the core's handlers and endpoints over Cosmos DB and Service Bus (docs/azure-shell.md).
FunctionsApplication.CreateBuilder(args).AddOrdersApp().Build().Run();
