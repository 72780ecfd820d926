using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Orderly.Functions.Http;
using Orderly.Functions.Shell;
using Orderly.Notifications;

// The notifications app: the core's handlers and endpoint over Cosmos DB and Service Bus (docs/azure-shell.md).
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.AddOrderlyFunctionApp(NotificationsModule.Name, [NotificationsMessaging.Contract.Entity]);
builder.AddRouteAccess(NotificationsModule.Routes.All);
builder.Services.AddNotificationsContext(builder.Configuration);
builder.Build().Run();
