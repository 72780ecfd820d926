using System.Net;
using System.Text.Json;
using Orderly.Contracts;
using Orderly.Contracts.Shipping;
using Orderly.Shipping.Carrier;
using Orderly.Shipping.Domain;

namespace Orderly.Shipping.Tests;

public sealed class ShipmentCommands : IAsyncLifetime
{
    private readonly ShippingHarness _h = new();

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static CreateShipment CreateFor(string orderId, string country = "FR") =>
        new(orderId, new ShippingAddress("Ada", "1 rue de la Paix", "Paris", "75002", country), [new OrderLine("mug", 1)]);

    [Fact]
    public async Task A_shipment_is_created_with_a_tracking_number_and_creating_again_books_once()
    {
        var created = Assert.IsType<ShipmentCreated>(await _h.ReplyToAsync(_h.Create, CreateFor("o1")));
        var again = Assert.IsType<ShipmentCreated>(await _h.ReplyToAsync(_h.Create, CreateFor("o1")));

        Assert.Equal(SimulatedCarrier.TrackingNumberFor("o1"), created.TrackingNumber);
        Assert.Equal((created.ShipmentId, created.TrackingNumber), (again.ShipmentId, again.TrackingNumber));
        Assert.Equal(1, _h.Carrier.Bookings);
    }

    [Fact]
    public async Task Antarctica_is_rejected_as_shipping_unavailable()
    {
        var rejected = Assert.IsType<ShipmentRejected>(await _h.ReplyToAsync(_h.Create, CreateFor("o1", "AQ")));

        Assert.Equal("shipping-unavailable", rejected.Reason);
        Assert.Equal(ShipmentStatus.Rejected, (await _h.ShipmentAsync("o1"))!.Status);
    }

    [Fact]
    public async Task A_cancel_before_the_shipment_makes_the_late_creation_rejected_without_booking()
    {
        Assert.Null(Assert.IsType<ShipmentCancelled>(await _h.ReplyToAsync(_h.Cancel, new CancelShipment("o1"))).ShipmentId);

        var late = Assert.IsType<ShipmentRejected>(await _h.ReplyToAsync(_h.Create, CreateFor("o1")));

        Assert.Equal("cancelled", late.Reason);
        Assert.Equal(0, _h.Carrier.Bookings);
    }

    [Fact]
    public async Task A_cancel_arriving_while_the_carrier_books_undoes_the_booking()
    {
        _h.Carrier.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var creating = _h.ReplyToAsync(_h.Create, CreateFor("o1"));
        await _h.Carrier.Entered.Task;

        await _h.ReplyToAsync(_h.Cancel, new CancelShipment("o1"));
        _h.Carrier.Gate.SetResult();

        Assert.Equal("cancelled", Assert.IsType<ShipmentRejected>(await creating).Reason);
        Assert.Equal([SimulatedCarrier.TrackingNumberFor("o1")], _h.Carrier.Cancellations);
    }

    [Fact]
    public async Task Cancelling_a_shipment_cancels_the_booking_once()
    {
        var created = Assert.IsType<ShipmentCreated>(await _h.ReplyToAsync(_h.Create, CreateFor("o1")));

        Assert.Equal(created.ShipmentId, Assert.IsType<ShipmentCancelled>(await _h.ReplyToAsync(_h.Cancel, new CancelShipment("o1"))).ShipmentId);
        Assert.IsType<ShipmentCancelled>(await _h.ReplyToAsync(_h.Cancel, new CancelShipment("o1")));

        Assert.Single(_h.Carrier.Cancellations);
        Assert.Equal(ShipmentStatus.Cancelled, (await _h.ShipmentAsync("o1"))!.Status);
    }

    [Fact]
    public async Task Shipments_are_for_operators_only_anonymous_is_401_and_a_customer_403()
    {
        using var customer = await _h.ClientAsync("ada", Orderly.Hosting.Access.Roles.Customer);
        using var anonymous = await _h.ClientAsync(null);
        using var asCustomer = await customer.GetAsync("/api/shipments?orderId=o-1");
        using var asNobody = await anonymous.GetAsync("/api/shipments?orderId=o-1");
        Assert.Equal(HttpStatusCode.Forbidden, asCustomer.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, asNobody.StatusCode);
    }

    [Theory]
    [InlineData("/api/shipments")]
    [InlineData("/api/shipments?orderId=%20")]
    public async Task Listing_shipments_without_an_order_id_names_orderId(string url)
    {
        using var client = await _h.ClientAsync();
        var response = await client.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.Equal(["orderId"], errors.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task The_shipments_of_an_order_show_status_and_tracking_number()
    {
        using var client = await _h.ClientAsync();
        var created = Assert.IsType<ShipmentCreated>(await _h.ReplyToAsync(_h.Create, CreateFor("o1")));

        var s = Assert.Single(JsonDocument.Parse(await client.GetStringAsync("/api/shipments?orderId=o1")).RootElement.EnumerateArray());

        Assert.Equal("Created", s.GetProperty("status").GetString());
        Assert.Equal(created.TrackingNumber, s.GetProperty("trackingNumber").GetString());
    }
}
