using System.Text.Json.Serialization;
using Orderly.Contracts;

namespace Orderly.Shipping.Domain;

/// <summary>Where a shipment stands: Created → Cancelled; or Rejected by the carrier from the start.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ShipmentStatus>))]
public enum ShipmentStatus
{
    Created,
    Rejected,
    Cancelled,
}

/// <summary>
/// The shipment of one order (partition = order id). A Cancelled shipment without a tracking number is a tombstone:
/// a late CreateShipment for the order is rejected (<c>cancelled</c>).
/// </summary>
public sealed class Shipment
{
    /// <summary>The document kind and id in the order's partition.</summary>
    public const string Kind = "shipment";

    [JsonConstructor]
    private Shipment(string orderId, string? shipmentId, ShipmentStatus status, string? trackingNumber, ShippingAddress? address,
        string? rejectionReason, DateTimeOffset createdAt, DateTimeOffset updatedAt)
    {
        OrderId = orderId;
        ShipmentId = shipmentId;
        Status = status;
        TrackingNumber = trackingNumber;
        Address = address;
        RejectionReason = rejectionReason;
        CreatedAt = createdAt;
        UpdatedAt = updatedAt;
    }

    public string OrderId { get; private set; }

    /// <summary>Our id of the shipment; null for a tombstone.</summary>
    public string? ShipmentId { get; private set; }

    public ShipmentStatus Status { get; private set; }

    public string? TrackingNumber { get; private set; }

    public ShippingAddress? Address { get; private set; }

    public string? RejectionReason { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>The carrier took the parcel under this tracking number.</summary>
    public static Shipment Created(string orderId, string shipmentId, string trackingNumber, ShippingAddress address, DateTimeOffset now) =>
        new(orderId, shipmentId, ShipmentStatus.Created, trackingNumber, address, null, now, now);

    /// <summary>The carrier cannot serve the order.</summary>
    public static Shipment Rejected(string orderId, ShippingAddress address, string reason, DateTimeOffset now) =>
        new(orderId, null, ShipmentStatus.Rejected, null, address, reason, now, now);

    /// <summary>A tombstone: the order's shipment was cancelled before it was created.</summary>
    public static Shipment CancelledBeforeCreation(string orderId, DateTimeOffset now) =>
        new(orderId, null, ShipmentStatus.Cancelled, null, null, null, now, now);

    /// <summary>Whether the carrier holds a booking that a cancel must undo.</summary>
    [JsonIgnore]
    public bool IsBooked => Status == ShipmentStatus.Created;

    /// <summary>The shipment is called off; false when nothing stood (already cancelled, or rejected).</summary>
    public bool Cancel(DateTimeOffset now)
    {
        if (Status != ShipmentStatus.Created) return false;
        Status = ShipmentStatus.Cancelled;
        UpdatedAt = now;
        return true;
    }
}
