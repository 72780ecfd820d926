using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Orderly.Checkout;
using Orderly.Functions.Http;
using Orderly.Functions.Shell;
using Orderly.Orchestrations.Durable;

// The checkout app: the saga on Durable Functions, its inbox on Cosmos DB, commands out through Service Bus (README.md).
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.AddOrderlyFunctionApp(CheckoutModule.Name, [CheckoutModule.OrderPlacedEntity, CheckoutModule.RepliesEntity]);
builder.AddRouteAccess(CheckoutModule.Routes.All);
builder.Services.AddCheckoutContext(builder.Configuration);
// The saga runtime here is Durable Functions: the handlers' ports go to the Durable client of the current invocation.
builder.Services.AddDurableSagaRuntime(_ => DurableClientScope.Current);
builder.Build().Run();
