using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Orderly.Checkout.Functions;

// The checkout app: the saga on Durable Functions, its inbox on Cosmos DB, commands out through Service Bus (README.md).
FunctionsApplication.CreateBuilder(args).AddCheckoutApp().Build().Run();
