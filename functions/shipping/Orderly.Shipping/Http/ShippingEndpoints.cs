using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Hosting.Http;
using Orderly.Shipping.Domain;
using Orderly.Storage;

namespace Orderly.Shipping.Http;

/// <summary>A shipment as the read API shows it.</summary>
public sealed record ShipmentView(string? ShipmentId, string OrderId, ShipmentStatus Status, string? TrackingNumber, string? Country,
    string? RejectionReason, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static ShipmentView Of(Shipment s) =>
        new(s.ShipmentId, s.OrderId, s.Status, s.TrackingNumber, s.Address?.Country, s.RejectionReason, s.CreatedAt, s.UpdatedAt);
}

/// <summary>The shipping read API; each route is one method, called by the local host and the Function App alike.</summary>
public static class ShippingEndpoints
{
    public const int MaxOrderIdLength = 128;

    /// <summary><c>GET /api/shipments?orderId=…</c>: the order's shipments (none, or one), 400 naming <c>orderId</c> when it is missing.</summary>
    public static async Task<Results<Ok<List<ShipmentView>>, ValidationProblem>> GetShipments(
        string? orderId, [FromKeyedServices(ShippingModule.Name)] IDocumentStore store, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (QueryValue.Single(orderId, "orderId", MaxOrderIdLength, errors) is not { } id) return errors.ToProblem();
        var docs = await store.QueryAsync(id, Shipment.Kind, cancellationToken);
        return TypedResults.Ok(docs.Select(d => ShipmentView.Of(d.As<Shipment>())).ToList());
    }
}
