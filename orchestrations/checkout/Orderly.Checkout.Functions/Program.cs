using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orderly.Checkout;
using Orderly.Checkout.Functions;
using Orderly.Functions.Http;
using Orderly.Functions.Shell;
using Orderly.Orchestrations;

// The checkout app: the saga on Durable Functions, its inbox on Cosmos DB, commands out through Service Bus (README.md).
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.AddOrderlyFunctionApp(CheckoutModule.Name, [CheckoutModule.OrderPlacedEntity, CheckoutModule.RepliesEntity]);
builder.AddRouteAccess(CheckoutModule.Routes.All);
builder.Services.AddCheckoutContext(builder.Configuration);
// The saga runtime here is Durable Functions: the handlers' ports go to the Durable client of the current invocation.
builder.Services.AddSingleton<DurableSagaClient>();
builder.Services.AddSingleton<ISagaStarter>(sp => sp.GetRequiredService<DurableSagaClient>());
builder.Services.AddSingleton<ISagaEventRaiser>(sp => sp.GetRequiredService<DurableSagaClient>());
builder.Services.AddSingleton<ISagaStatusReader>(sp => sp.GetRequiredService<DurableSagaClient>());
builder.Build().Run();
