using Orderly.Hosting.Access;
using Microsoft.AspNetCore.Builder;
using Orderly.Hosting.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Orderly.ConsumerPipeline;
using Orderly.Contracts.Payments;
using Orderly.Messaging;
using Orderly.Payments.Handlers;
using Orderly.Payments.Http;
using Orderly.Payments.Provider;

namespace Orderly.Payments;

/// <summary>The payments context: authorize, capture and void against a payment-provider port. Hosts register the store.</summary>
public static class PaymentsModule
{
    /// <summary>Context name = Cosmos container name = DI key.</summary>
    public const string Name = "payments";

    /// <summary>CloudEvents source of everything payments sends.</summary>
    public const string Source = "/orderly/payments";

    /// <summary>
    /// Registers options, the keyed EnvelopeFactory, the provider and every handler. Refuses (throws) when
    /// <c>Payments:Provider</c> is missing or names no implemented provider (<see cref="PaymentProviders"/>). The provider adapter
    /// is the keyed <see cref="IPaymentProvider"/> under <see cref="Name"/> (the one <c>Payments:Provider</c> names, unless the
    /// host registered another first); handlers get it wrapped in the <see cref="ResilientPaymentProvider"/> (time limit, retry,
    /// fair circuit breaker), whose circuit the <c>payment-provider</c> health check reports.
    /// </summary>
    public static IServiceCollection AddPaymentsContext(this IServiceCollection services, IConfiguration configuration)
    {
        var options = PaymentsOptions.From(configuration);
        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.AddKeyedSingleton(Name, (sp, _) => new EnvelopeFactory(Source, sp.GetRequiredService<TimeProvider>()));
        switch (options.Provider)
        {
            case PaymentProviders.Simulated:
                services.TryAddKeyedSingleton<IPaymentProvider, SimulatedPaymentProvider>(Name);
                break;
            default:
                throw new InvalidOperationException($"{PaymentProviders.EnvironmentVariable} '{options.Provider}' has no adapter registered here.");
        }
        services.TryAddSingleton(sp => new ResilientPaymentProvider(sp.GetRequiredKeyedService<IPaymentProvider>(Name), options,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ResilientPaymentProvider>>()));
        services.TryAddSingleton<IPaymentProvider>(sp => sp.GetRequiredService<ResilientPaymentProvider>());
        services.AddHealthChecks().AddCheck<PaymentProviderHealthCheck>(PaymentProviderHealthCheck.Name);
        services.AddMessageHandler<AuthorizePayment, AuthorizePaymentHandler>(Name, options.CommandsQueue);
        services.AddMessageHandler<CapturePayment, CapturePaymentHandler>(Name, options.CommandsQueue);
        services.AddMessageHandler<VoidPayment, VoidPaymentHandler>(Name, options.CommandsQueue);
        return services;
    }

    /// <summary>Every route of the payments API and who may call it; a Function's name is its row's name.</summary>
    public static class Routes
    {
        public static readonly ApiRoute GetPayments = new(nameof(GetPayments), "GET", "/api/payments", RoutePolicy.For(Roles.Operator));

        public static readonly IReadOnlyList<ApiRoute> All = [GetPayments];
    }

    /// <summary>Maps the payments read API under <c>/api/payments</c>.</summary>
    public static IEndpointRouteBuilder MapPaymentsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapApi(Routes.GetPayments, PaymentsEndpoints.GetPayments)
            .WithTags(Name)
            .WithSummary("The payments of an order (none, or one).")
            .Produces<List<PaymentView>>(StatusCodes.Status200OK)
            .ProducesValidationProblem()
            .RequiresQuery("orderId");
        return routes;
    }
}
