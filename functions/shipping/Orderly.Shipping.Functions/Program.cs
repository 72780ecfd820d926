using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Orderly.Shipping.Functions;

// The shipping app: the core's handlers and endpoint over Cosmos DB and Service Bus (docs/azure-shell.md).
FunctionsApplication.CreateBuilder(args).AddShippingApp().Build().Run();
