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
using Orderly.Contracts.Orders;
using Orderly.Messaging;
using Orderly.Notifications.Domain;
using Orderly.Notifications.Email;
using Orderly.Notifications.Handlers;
using Orderly.Notifications.Http;
using Orderly.Storage;

namespace Orderly.Notifications;

/// <summary>The notifications context: tells customers about their orders through the email port.</summary>
public static class NotificationsModule
{
    /// <summary>Context name = Cosmos container name = DI key.</summary>
    public const string Name = "notifications";

    /// <summary>CloudEvents source of the notifications context.</summary>
    public const string Source = "/orderly/notifications";

    /// <summary>
    /// Registers the keyed EnvelopeFactory, the default <see cref="RecordingEmailSender"/> (unless the host registered another
    /// <see cref="IEmailSender"/> first) and the order-event handlers. The host registers the keyed <c>IDocumentStore</c>.
    /// </summary>
    public static IServiceCollection AddNotificationsContext(this IServiceCollection services, IConfiguration configuration)
    {
        var messaging = NotificationsMessaging.Contract;
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(messaging);
        services.AddKeyedSingleton(Name, (sp, _) => new EnvelopeFactory(Source, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IEmailSender>(sp => new RecordingEmailSender(
            sp.GetRequiredKeyedService<IDocumentStore>(Name), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<RecordingEmailSender>>()));

        services.AddMessageHandler<OrderPlaced, OrderPlacedNotificationHandler>(Name, messaging.Entity);
        services.AddMessageHandler<OrderConfirmed, OrderConfirmedNotificationHandler>(Name, messaging.Entity);
        services.AddMessageHandler<OrderCancelled, OrderCancelledNotificationHandler>(Name, messaging.Entity);
        return services;
    }

    /// <summary>Every route of the notifications API and who may call it; a Function's name is its row's name.</summary>
    public static class Routes
    {
        public static readonly ApiRoute GetNotifications = new(nameof(GetNotifications), "GET", "/api/notifications", RoutePolicy.For(Roles.Customer, Roles.Operator));

        public static readonly IReadOnlyList<ApiRoute> All = [GetNotifications];
    }

    /// <summary>Maps <c>GET /api/notifications?customerId=…</c>.</summary>
    public static IEndpointRouteBuilder MapNotificationsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapApi(Routes.GetNotifications, NotificationsEndpoints.GetNotifications)
            .WithSummary("The messages sent to a customer, newest first.")
            .Produces<IReadOnlyList<Notification>>()
            .ProducesValidationProblem()
            .RequiresQuery("customerId")
            .WithTags(Name);
        return routes;
    }
}
