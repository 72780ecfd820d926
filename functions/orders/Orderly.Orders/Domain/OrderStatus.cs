using System.Text.Json.Serialization;

namespace Orderly.Orders.Domain;

/// <summary>Where an order stands: Pending until the checkout confirms or cancels it; both ends are final.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OrderStatus>))]
public enum OrderStatus
{
    Pending,
    Confirmed,
    Cancelled,
}
