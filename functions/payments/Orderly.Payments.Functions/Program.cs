using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Orderly.Contracts;
using Orderly.Functions.Http;
using Orderly.Functions.Shell;
using Orderly.Payments;

// The payments app: the core's handlers and endpoint over Cosmos DB and Service Bus (docs/azure-shell.md).
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.AddOrderlyFunctionApp(PaymentsModule.Name, [Destinations.PaymentsCommands]);
builder.AddRouteAccess(PaymentsModule.Routes.All);
builder.Services.AddPaymentsContext(builder.Configuration);
builder.Build().Run();
