using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orderly.Messaging;
using Orderly.Orders.Domain;
using Orderly.Orders.Persistence;
using Orderly.Outbox;
using Orderly.Storage;

namespace Orderly.Orders.Http;

/// <summary>The orders HTTP API, one method per route; the local host maps them and the Function App shell calls the same methods.</summary>
public static class OrdersEndpoints
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>
    /// <c>POST /api/orders</c>: validates, then writes the Pending order and its OrderPlaced outbox record in one batch.
    /// With an Idempotency-Key the order id is derived from (customerId, key), so a retry collides with the first order:
    /// the same body answers that order again, another body is a 422 naming the key.
    /// </summary>
    public static async Task<IResult> PlaceOrder(HttpRequest request, CancellationToken cancellationToken)
    {
        var keys = request.Headers[IdempotencyKeyHeader];
        var key = keys.Count == 0 ? null : keys.ToString();
        var keyError = keys.Count > 1 ? $"Send one {IdempotencyKeyHeader} header, not {keys.Count}." : PlaceOrderInput.CheckIdempotencyKey(key);

        Domain.PlaceOrder? placeOrder;
        Dictionary<string, string[]> errors;
        try
        {
            using var json = await JsonDocument.ParseAsync(request.Body, default, cancellationToken).ConfigureAwait(false);
            placeOrder = PlaceOrderInput.Read(json.RootElement, out errors);
        }
        catch (JsonException ex)
        {
            placeOrder = null;
            errors = new() { ["body"] = [$"The body is not valid JSON: {ex.Message}"] };
        }
        if (keyError is not null) errors[IdempotencyKeyHeader] = [keyError];
        if (placeOrder is null || errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The order is not valid.");

        var services = request.HttpContext.RequestServices;
        var store = services.GetRequiredKeyedService<IDocumentStore>(OrdersModule.Name);
        var envelopes = services.GetRequiredKeyedService<EnvelopeFactory>(OrdersModule.Name);
        var messaging = services.GetRequiredService<OrdersMessaging>();

        var orderId = key is null ? Domain.PlaceOrder.NewOrderId() : Domain.PlaceOrder.OrderIdFor(placeOrder.CustomerId, key);
        var now = envelopes.Time.GetUtcNow();
        var order = Order.Place(orderId, placeOrder, now);
        var placed = envelopes.Create(order.Placed(), correlationId: orderId, subject: orderId);
        var batch = new WriteBatch(orderId)
            .SaveOrder(order, etag: null)
            .AddOutgoing(new OutgoingMessage(messaging.EventsTopic, placed), now);
        try
        {
            await store.CommitAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        catch (DocumentConflictException) when (key is not null)
        {
            // The key was used before: the first order answers, if this is the same request.
            var existing = await store.LoadOrderAsync(orderId, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Order {orderId} conflicted on create but cannot be read.");
            if (!existing.Order.WasPlacedBy(placeOrder))
            {
                return TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]>
                {
                    [IdempotencyKeyHeader] = [$"This {IdempotencyKeyHeader} was already used for a different order request; use a new key for a new order."],
                })
                {
                    Status = StatusCodes.Status422UnprocessableEntity,
                    Title = "The Idempotency-Key was used with another request.",
                });
            }
            return Accepted(existing.Order);
        }

        Logger(request).LogInformation("Order {OrderId} placed for customer {CustomerId} with {LineCount} lines",
            orderId, order.CustomerId, order.Items.Count);
        return Accepted(order);
    }

    /// <summary><c>GET /api/orders/{orderId}</c>: the order (without its payment token), or 404.</summary>
    public static async Task<IResult> GetOrder(HttpRequest request, string orderId, CancellationToken cancellationToken)
    {
        var store = request.HttpContext.RequestServices.GetRequiredKeyedService<IDocumentStore>(OrdersModule.Name);
        var loaded = string.IsNullOrEmpty(orderId) || orderId.Length > 64
            ? null
            : await store.LoadOrderAsync(orderId, cancellationToken).ConfigureAwait(false);
        return loaded is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Order not found.", detail: $"There is no order '{orderId}'.")
            : TypedResults.Ok(OrderView.Of(loaded.Order));
    }

    /// <summary><c>GET /api/customers/{customerId}/orders</c>: the customer's orders from the read model, newest first.</summary>
    public static async Task<IResult> GetCustomerOrders(HttpRequest request, string customerId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(customerId) || customerId.Length > PlaceOrderInput.MaxCustomerIdLength)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["customerId"] = [$"customerId must be 1 to {PlaceOrderInput.MaxCustomerIdLength} characters and not blank."],
            });

        var store = request.HttpContext.RequestServices.GetRequiredKeyedService<IDocumentStore>(OrdersModule.Name);
        var docs = await store.QueryAsync(CustomerOrderSummary.PartitionFor(customerId), CustomerOrderSummary.Kind, cancellationToken)
            .ConfigureAwait(false);
        var orders = docs.Select(d => d.As<CustomerOrderSummary>())
            .OrderByDescending(s => s.SortTime)
            .ThenByDescending(s => s.OrderId, StringComparer.Ordinal)
            .Select(CustomerOrderView.Of)
            .ToList();
        return TypedResults.Ok(orders);
    }

    private static Accepted<OrderAccepted> Accepted(Order order) =>
        TypedResults.Accepted($"/api/orders/{order.OrderId}", new OrderAccepted(order.OrderId, order.Status));

    private static ILogger Logger(HttpRequest request) =>
        request.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OrdersEndpoints).FullName!);
}
