using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Notifications.Domain;
using Orderly.Storage;

namespace Orderly.Notifications.Http;

/// <summary>The notifications HTTP API; the local host maps it and the Function App shell calls the same method.</summary>
public static class NotificationsEndpoints
{
    public const int MaxCustomerIdLength = 64;

    /// <summary><c>GET /api/notifications?customerId=…</c>: what was sent to the customer, newest first.</summary>
    public static async Task<IResult> GetNotifications(HttpRequest request, string? customerId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(customerId) || customerId.Length > MaxCustomerIdLength)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["customerId"] = [$"The query parameter customerId is required: 1 to {MaxCustomerIdLength} characters, not blank."],
            });

        var store = request.HttpContext.RequestServices.GetRequiredKeyedService<IDocumentStore>(NotificationsModule.Name);
        var docs = await store.QueryAsync(Notification.PartitionFor(customerId), Notification.DocumentKind, cancellationToken)
            .ConfigureAwait(false);
        var notifications = docs.Select(d => d.As<Notification>())
            .OrderByDescending(n => n.SentAt)
            .ThenByDescending(n => n.NotificationId, StringComparer.Ordinal)
            .ToList();
        return TypedResults.Ok(notifications);
    }
}
