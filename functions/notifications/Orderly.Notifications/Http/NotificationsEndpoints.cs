using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Hosting.Access;
using Orderly.Hosting.Http;
using Orderly.Notifications.Domain;
using Orderly.Storage;

namespace Orderly.Notifications.Http;

/// <summary>The notifications HTTP API; the local host maps it and the Function App shell calls the same method.</summary>
public static class NotificationsEndpoints
{
    public const int MaxCustomerIdLength = 64;

    /// <summary><c>GET /api/notifications?customerId=…</c>: what was sent to the customer, newest first; a customer may read only their own (403).</summary>
    public static async Task<Results<Ok<List<Notification>>, ValidationProblem, ProblemHttpResult>> GetNotifications(
        string? customerId, ClaimsPrincipal caller, [FromKeyedServices(NotificationsModule.Name)] IDocumentStore store, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (QueryValue.Single(customerId, "customerId", MaxCustomerIdLength, errors) is not { } customer) return errors.ToProblem();

        if (!caller.MaySee(customer))
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: "A customer may read only their own notifications.");
        var docs = await store.QueryAsync(Notification.PartitionFor(customer), Notification.DocumentKind, cancellationToken)
            .ConfigureAwait(false);
        var notifications = docs.Select(d => d.As<Notification>())
            .OrderByDescending(n => n.SentAt)
            .ThenByDescending(n => n.NotificationId, StringComparer.Ordinal)
            .ToList();
        return TypedResults.Ok(notifications);
    }
}
