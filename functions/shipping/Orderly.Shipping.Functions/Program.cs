using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orderly.Contracts;
using Orderly.Functions.Http;
using Orderly.Functions.Shell;
using Orderly.Shipping;
using Orderly.Shipping.Functions;

// The shipping app: the core's handlers and endpoint over Cosmos DB and Service Bus (docs/azure-shell.md).
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
// The same key and default the core registers its handlers under (ShippingModule.AddShippingContext).
var entities = new ShippingEntities(builder.Configuration["Messaging:Queues:ShippingCommands"] ?? Destinations.ShippingCommands);
builder.Services.AddSingleton(entities);
builder.AddOrderlyFunctionApp(ShippingModule.Name, [entities.CommandsQueue]);
builder.AddRouteAccess(ShippingModule.Routes.All);
builder.Services.AddShippingContext(builder.Configuration);
builder.Build().Run();
