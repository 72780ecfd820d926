using System.Security.Cryptography;
using System.Text;
using Orderly.Contracts;

namespace Orderly.Shipping.Carrier;

/// <summary>
/// The default carrier: refuses Antarctica (<c>AQ</c>, reason <c>shipping-unavailable</c>) and books everything else under
/// a tracking number derived from the order id (deterministic, so a retried booking gets the same number).
/// </summary>
public sealed class SimulatedCarrier : ICarrier
{
    public const string ShippingUnavailable = "shipping-unavailable";

    public Task<CarrierBooking> BookAsync(string orderId, ShippingAddress address, IReadOnlyList<OrderLine> items, CancellationToken cancellationToken)
    {
        if (string.Equals(address.Country, "AQ", StringComparison.OrdinalIgnoreCase))
            return Task.FromResult(CarrierBooking.Refused(ShippingUnavailable));
        return Task.FromResult(CarrierBooking.Booked(TrackingNumberFor(orderId)));
    }

    public Task CancelAsync(string trackingNumber, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary><c>SIM</c> and 12 hex digits of the order id's SHA-256.</summary>
    public static string TrackingNumberFor(string orderId) =>
        "SIM" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(orderId)), 0, 6);
}
