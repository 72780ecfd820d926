using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orderly.ConsumerPipeline;
using Orderly.Contracts;
using Orderly.Embedded;
using Orderly.Embedded.Store;
using Orderly.Messaging;
using Orderly.Outbox;
using Orderly.Shipping.Carrier;
using Orderly.Shipping.Domain;
using Orderly.Shipping.Handlers;
using Orderly.Storage;
using Orderly.Hosting.Access;

namespace Orderly.Shipping.Tests;

/// <summary>A carrier that records what reaches the simulated one, and can hold a booking until released.</summary>
public sealed class RecordingCarrier : ICarrier
{
    private readonly SimulatedCarrier _inner = new();
    private int _bookings;
    public int Bookings => Volatile.Read(ref _bookings);
    public List<string> Cancellations { get; } = [];
    public TaskCompletionSource? Gate { get; set; }
    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task<CarrierBooking> BookAsync(string orderId, ShippingAddress address, IReadOnlyList<OrderLine> items, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _bookings);
        Entered.TrySetResult();
        if (Gate is { } gate) await gate.Task.WaitAsync(cancellationToken);
        return await _inner.BookAsync(orderId, address, items, cancellationToken);
    }

    public Task CancelAsync(string trackingNumber, CancellationToken cancellationToken)
    {
        lock (Cancellations) Cancellations.Add(trackingNumber);
        return _inner.CancelAsync(trackingNumber, cancellationToken);
    }
}

/// <summary>The shipping context on a real embedded store, its handlers driven the way the consumer pipeline drives them.</summary>
public sealed class ShippingHarness : IAsyncDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "orderly-shipping-tests", Guid.NewGuid().ToString("N") + ".db");
    private WebApplication? _app;

    public ShippingHarness()
    {
        Database = new SqliteDatabase(_path);
        Store = new EmbeddedDocumentStore(Database, ShippingModule.Name);
    }

    public SqliteDatabase Database { get; }
    public EmbeddedDocumentStore Store { get; }
    public RecordingCarrier Carrier { get; } = new();
    public EnvelopeFactory Envelopes { get; } = new(ShippingModule.Source, TimeProvider.System);

    public CreateShipmentHandler Create => new(Carrier);
    public CancelShipmentHandler Cancel => new(Carrier);

    /// <summary>Handles one command as the pipeline would (stage, then commit the batch with its outbox) and returns the single reply.</summary>
    public async Task<object> ReplyToAsync<T>(IMessageHandler<T> handler, T message) where T : notnull
    {
        var command = EnvelopeJson.Create(message, Guid.NewGuid().ToString("N"), "/orderly/checkout", DateTimeOffset.UtcNow,
            "corr-1", replyTo: Destinations.CheckoutReplies);
        var context = new MessageContext(command, Store, new WriteBatch(handler.PartitionKeyFor(message)), Envelopes, NullLogger.Instance);
        await handler.HandleAsync(message, context, CancellationToken.None);
        foreach (var outgoing in context.Outgoing) context.Batch.AddOutgoing(outgoing, DateTimeOffset.UtcNow);
        if (!context.Batch.IsEmpty) await Store.CommitAsync(context.Batch);
        return EnvelopeJson.ReadData(Assert.Single(context.Outgoing).Envelope); // checks the reply against its published contract
    }

    public async Task<Shipment?> ShipmentAsync(string orderId) => (await Store.ReadAsync(orderId, Shipment.Kind))?.As<Shipment>();

    /// <summary>The issuer the test server trusts.</summary>
    public TestTokens Tokens { get; } = new();

    /// <summary>An HTTP client calling as an operator (who may read everything).</summary>
    public Task<HttpClient> ClientAsync() => ClientAsync("ops", Roles.Operator);

    /// <summary>An HTTP client calling as <paramref name="subject"/> with <paramref name="roles"/> (null: anonymous).</summary>
    public async Task<HttpClient> ClientAsync(string? subject, params string[] roles)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddShippingContext(builder.Configuration);
        builder.Services.AddKeyedSingleton<IDocumentStore>(ShippingModule.Name, Store);
        builder.Services.AddProblemDetails();
        builder.Services.AddAccessGate(_ => Tokens.Validator());
        _app = builder.Build();
        _app.UseAccessGate();
        _app.MapShippingApi();
        await _app.StartAsync();
        var client = _app.GetTestClient();
        return subject is null ? client : Tokens.As(client, subject, roles);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        await Database.DisposeAsync();
        foreach (var f in new[] { _path, _path + "-wal", _path + "-shm" })
            if (File.Exists(f)) File.Delete(f);
    }
}
