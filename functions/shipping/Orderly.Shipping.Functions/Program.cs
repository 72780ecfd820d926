using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Orderly.Contracts;
using Orderly.Functions.Http;
using Orderly.Functions.Shell;
using Orderly.Shipping;

// The shipping app: the core's handlers and endpoint over Cosmos DB and Service Bus (docs/azure-shell.md).
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.AddOrderlyFunctionApp(ShippingModule.Name, [Destinations.ShippingCommands]);
builder.AddRouteAccess(ShippingModule.Routes.All);
builder.Services.AddShippingContext(builder.Configuration);
builder.Build().Run();
