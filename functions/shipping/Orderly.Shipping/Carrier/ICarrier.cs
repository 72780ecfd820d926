using Orderly.Contracts;

namespace Orderly.Shipping.Carrier;

/// <summary>The carrier port: book a parcel (answering a tracking number or a refusal) and cancel a booking.</summary>
public interface ICarrier
{
    /// <summary>Books the order's parcel; a refusal is an answer, a failure to answer is an exception (transient).</summary>
    Task<CarrierBooking> BookAsync(string orderId, ShippingAddress address, IReadOnlyList<OrderLine> items, CancellationToken cancellationToken);

    /// <summary>Cancels a booking by its tracking number.</summary>
    Task CancelAsync(string trackingNumber, CancellationToken cancellationToken);
}

/// <summary>The carrier's answer: booked with a tracking number, or refused with a reason.</summary>
public sealed record CarrierBooking(bool Accepted, string? TrackingNumber, string? RefusalReason)
{
    public static CarrierBooking Booked(string trackingNumber) => new(true, trackingNumber, null);

    public static CarrierBooking Refused(string reason) => new(false, null, reason);
}
