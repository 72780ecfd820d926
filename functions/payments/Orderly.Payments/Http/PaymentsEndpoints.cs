using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Contracts;
using Orderly.Hosting.Http;
using Orderly.Payments.Domain;
using Orderly.Storage;

namespace Orderly.Payments.Http;

/// <summary>A payment as the read API shows it; <c>amount</c> is null for a tombstone (voided before any authorization).</summary>
public sealed record PaymentView(string? PaymentId, string OrderId, PaymentStatus Status, Money? Amount, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static PaymentView Of(Payment p) => new(p.PaymentId, p.OrderId, p.Status, p.Amount, p.CreatedAt, p.UpdatedAt);
}

/// <summary>The payments read API; each route is one method, called by the local host and the Function App alike.</summary>
public static class PaymentsEndpoints
{
    public const int MaxOrderIdLength = 128;

    /// <summary><c>GET /api/payments?orderId=…</c>: the order's payments (none, or one), 400 naming <c>orderId</c> when it is missing.</summary>
    public static async Task<Results<Ok<List<PaymentView>>, ValidationProblem>> GetPayments(
        string? orderId, [FromKeyedServices(PaymentsModule.Name)] IDocumentStore store, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (QueryValue.Single(orderId, "orderId", MaxOrderIdLength, errors) is not { } id) return errors.ToProblem();
        var docs = await store.QueryAsync(id, Payment.Kind, cancellationToken);
        return TypedResults.Ok(docs.Select(d => PaymentView.Of(d.As<Payment>())).ToList());
    }
}
