using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Orderly.Hosting.Access;
using Orderly.Hosting.Http;
using Orderly.Messaging;
using Orderly.Messaging.Tracing;
using Orderly.Orders.Domain;
using Orderly.Orders.Persistence;
using Orderly.Outbox;
using Orderly.Storage;

namespace Orderly.Orders.Http;

/// <summary>
/// The orders HTTP API, one method per route; the local host maps them and the Function App shell calls the same methods.
/// The access gate has admitted the caller by the route's policy before any of them runs.
/// </summary>
public static class OrdersEndpoints
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>
    /// <c>POST /api/orders</c>: validates, then writes the Pending order and its OrderPlaced outbox record in one batch. The
    /// customer is the token's subject; a body <c>customerId</c> may repeat it, never name someone else (403).
    /// With an Idempotency-Key the order id is derived from (customerId, key), so a retry collides with the first order:
    /// the same body answers that order again, another body is a 422 naming the key.
    /// </summary>
    public static async Task<Results<Accepted<OrderAccepted>, ValidationProblem, ProblemHttpResult>> PlaceOrder(
        HttpRequest request, ClaimsPrincipal caller, [FromServices] OrdersServices services, CancellationToken cancellationToken)
    {
        var subject = caller.SubjectOf() ?? throw new InvalidOperationException("The access gate admits only customers here.");
        var keys = request.Headers[IdempotencyKeyHeader];
        var key = keys.Count == 0 ? null : keys.ToString();
        var keyError = keys.Count > 1 ? $"Send one {IdempotencyKeyHeader} header, not {keys.Count}." : PlaceOrderInput.CheckIdempotencyKey(key);

        using var body = await JsonBody.ReadObjectAsync(request, cancellationToken).ConfigureAwait(false);
        if (body.Refusal is { } refusal) return refusal;
        var placeOrder = PlaceOrderInput.Read(body.Root, subject, body.Fields);
        if (keyError is not null) body.Fields.Errors.Add(IdempotencyKeyHeader, keyError);
        if (placeOrder is null || body.Fields.Errors.Any) return body.Fields.Errors.ToProblem("The order is not valid.");
        if (!string.Equals(placeOrder.CustomerId, subject, StringComparison.Ordinal))
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                detail: "customerId must be the caller's own id (the token's subject), or left out.");

        var orderId = key is null ? Domain.PlaceOrder.NewOrderId() : Domain.PlaceOrder.OrderIdFor(placeOrder.CustomerId, key);
        var now = services.Envelopes.Time.GetUtcNow();
        var order = Order.Place(orderId, placeOrder, now);
        var placed = services.Envelopes.Create(order.Placed(), correlationId: orderId, subject: orderId);
        var batch = new WriteBatch(orderId)
            .SaveOrder(order, etag: null)
            .AddOutgoing(new OutgoingMessage(services.Messaging.EventsTopic, placed), now);
        try
        {
            await services.Store.CommitAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        catch (DocumentConflictException) when (key is not null)
        {
            // The key was used before: the first order answers, if this is the same request.
            var existing = await services.Store.LoadOrderAsync(orderId, cancellationToken).ConfigureAwait(false)
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

        services.Log.LogInformation("Order {OrderId} placed for customer {CustomerId} with {LineCount} lines",
            orderId, order.CustomerId, order.Items.Count);
        OrderlyMetrics.OrderPlaced();
        return Accepted(order);
    }

    /// <summary><c>GET /api/orders/{orderId}</c>: the order (without its payment token), or 404 — also for another customer's order.</summary>
    public static async Task<Results<Ok<OrderView>, ProblemHttpResult>> GetOrder(
        string orderId, ClaimsPrincipal caller, [FromServices] OrdersServices services, CancellationToken cancellationToken)
    {
        var loaded = string.IsNullOrEmpty(orderId) || orderId.Length > 64
            ? null
            : await services.Store.LoadOrderAsync(orderId, cancellationToken).ConfigureAwait(false);
        // Another customer's order is answered exactly like a missing one, so ids cannot be probed.
        return loaded is not null && caller.MaySee(loaded.Order.CustomerId)
            ? TypedResults.Ok(OrderView.Of(loaded.Order))
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Order not found.", detail: $"There is no order '{orderId}'.");
    }

    /// <summary><c>GET /api/customers/{customerId}/orders</c>: the customer's orders from the read model, newest first; another customer's list is 403.</summary>
    public static async Task<Results<Ok<List<CustomerOrderView>>, ValidationProblem, ProblemHttpResult>> GetCustomerOrders(
        string customerId, ClaimsPrincipal caller, [FromServices] OrdersServices services, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(customerId) || customerId.Length > PlaceOrderInput.MaxCustomerIdLength)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["customerId"] = [$"customerId must be 1 to {PlaceOrderInput.MaxCustomerIdLength} characters and not blank."],
            });
        if (!caller.MaySee(customerId))
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: "A customer may list only their own orders.");

        var docs = await services.Store.QueryAsync(CustomerOrderSummary.PartitionFor(customerId), CustomerOrderSummary.Kind, cancellationToken)
            .ConfigureAwait(false);
        var orders = docs.Select(d => d.As<CustomerOrderSummary>())
            .OrderByDescending(s => s.SortTime)
            .ThenByDescending(s => s.OrderId, StringComparer.Ordinal)
            .Select(CustomerOrderView.Of)
            .ToList();
        return TypedResults.Ok(orders);
    }

    /// <summary>
    /// <c>GET /api/orders?status=&amp;customerId=&amp;pageSize=&amp;continuation=</c> (operators): orders from the customers' read
    /// model, a page at a time, in store order (by customer, then order id), not by time. With <c>customerId</c> it reads
    /// that customer's partition only; <c>status</c> filters on the summary's status.
    /// </summary>
    public static async Task<Results<Ok<Page<CustomerOrderView>>, ValidationProblem>> SearchOrders(
        string? status, string? customerId, string? pageSize, string? continuation,
        [FromServices] OrdersServices services, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var customer = QueryValue.Single(customerId, "customerId", PlaceOrderInput.MaxCustomerIdLength, errors, required: false);
        var statusName = QueryValue.Single(status, "status", 16, errors, required: false);
        // By name only: Enum.TryParse would also take "1" or "Pending,Cancelled".
        var wanted = statusName is null ? null
            : Enum.GetValues<OrderStatus>().Cast<OrderStatus?>().FirstOrDefault(s => s.ToString()!.Equals(statusName, StringComparison.OrdinalIgnoreCase));
        if (statusName is not null && wanted is null) errors.Add("status", "status must be Pending, Confirmed or Cancelled.");
        var (size, from) = PageQuery.Read(pageSize, continuation, errors);
        if (errors.Any) return errors.ToProblem();

        var listing = new DocumentListing(CustomerOrderSummary.Kind, size)
        {
            PartitionKey = customer is null ? null : CustomerOrderSummary.PartitionFor(customer),
            Where = wanted is { } s ? [new BodyFieldEquals("status", s.ToString())] : [],
            Continuation = from,
        };
        try
        {
            var page = await services.Store.ListAsync(listing, cancellationToken).ConfigureAwait(false);
            return TypedResults.Ok(new Page<CustomerOrderView>(page.Items.Select(d => CustomerOrderView.Of(d.As<CustomerOrderSummary>())).ToList(), page.Continuation));
        }
        catch (InvalidContinuationException)
        {
            return PageQuery.InvalidContinuation().ToProblem();
        }
    }

    private static Accepted<OrderAccepted> Accepted(Order order) =>
        TypedResults.Accepted($"/api/orders/{order.OrderId}", new OrderAccepted(order.OrderId, order.Status));
}
