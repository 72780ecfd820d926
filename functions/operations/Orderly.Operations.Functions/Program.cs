using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Orderly.Operations.Functions;

// The operations app: the console and dead-letter triage over Service Bus (docs/azure-shell.md).
FunctionsApplication.CreateBuilder(args).AddOperationsApp().Build().Run();
