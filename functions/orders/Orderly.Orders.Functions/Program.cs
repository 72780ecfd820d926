using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Orderly.Functions.Http;
using Orderly.Functions.Shell;
using Orderly.Orders;

// The orders app: the core's handlers and endpoints over Cosmos DB and Service Bus (docs/azure-shell.md).
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.AddOrderlyFunctionApp(OrdersModule.Name, [OrdersMessaging.Contract.CommandsQueue, OrdersMessaging.Contract.ReadModelEntity]);
builder.AddRouteAccess(OrdersModule.Routes.All);
builder.Services.AddOrdersContext(builder.Configuration);
builder.Build().Run();
