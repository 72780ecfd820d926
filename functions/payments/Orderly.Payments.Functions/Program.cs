using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Orderly.Payments.Functions;

// The payments app: the core's handlers and endpoint over Cosmos DB and Service Bus (docs/azure-shell.md).
FunctionsApplication.CreateBuilder(args).AddPaymentsApp().Build().Run();
