using Azure.Core;
using Azure.Identity;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orderly.Functions.Hosting;
using Orderly.Operations;

namespace Orderly.Operations.Functions;

/// <summary>The operations Function App's services: the shared wiring over every dead-letter queue of the topology, the console's settings and its reads of the other apps.</summary>
public static class OperationsApp
{
    /// <summary>
    /// Registers what the app's triggers need; Program.cs builds and runs it, and Orderly.Functions.Tests resolves it. The app
    /// consumes no message: the entities it is given are those whose dead letters it triages, and its own container
    /// (<c>operations</c>) holds the triage notes with their trail.
    /// </summary>
    public static FunctionsApplicationBuilder AddOperationsApp(this FunctionsApplicationBuilder builder)
    {
        builder.AddOrderlyFunctionApp(OperationsModule.Name, OperationsModule.DeadLetterEntities, OperationsModule.Routes.All);
        builder.Services.AddSingleton(ConsoleConfig.ForAzure(builder.Configuration));
        builder.Services.TryAddSingleton(TimeProvider.System); // the list's age filters
        AppReads.AddAppReads(builder.Services, builder.Configuration);
        // Queue depths from Azure Monitor, as the app's own identity (Monitoring Reader on the namespace; Bicep grants it).
        var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = builder.Configuration["AZURE_CLIENT_ID"] });
        ServiceBusMetrics.AddServiceBusMetrics(builder.Services, builder.Configuration,
            async ct => (await credential.GetTokenAsync(new TokenRequestContext([ServiceBusMetrics.TokenScope]), ct).ConfigureAwait(false)).Token);
        return builder;
    }
}
