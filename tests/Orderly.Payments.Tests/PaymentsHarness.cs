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
using Orderly.Payments.Domain;
using Orderly.Payments.Handlers;
using Orderly.Payments.Provider;
using Orderly.Storage;
using Orderly.Hosting.Access;

namespace Orderly.Payments.Tests;

/// <summary>A provider that counts the calls reaching the simulated one, and can hold an authorization until released.</summary>
public sealed class CountingProvider : IPaymentProvider
{
    private readonly SimulatedPaymentProvider _inner = new();
    private int _authorizations;
    private int _captures;
    public int Authorizations => Volatile.Read(ref _authorizations);
    public int Captures => Volatile.Read(ref _captures);
    public List<string> Voids { get; } = [];
    public List<(string Reference, Money Amount)> Refunds { get; } = [];
    public TaskCompletionSource? Gate { get; set; }
    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task<AuthorizationResult> AuthorizeAsync(string orderId, string paymentToken, Money amount, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _authorizations);
        Entered.TrySetResult();
        if (Gate is { } gate) await gate.Task.WaitAsync(cancellationToken);
        return await _inner.AuthorizeAsync(orderId, paymentToken, amount, cancellationToken);
    }

    public Task CaptureAsync(string providerReference, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _captures);
        return _inner.CaptureAsync(providerReference, cancellationToken);
    }

    public Task VoidAsync(string providerReference, CancellationToken cancellationToken)
    {
        lock (Voids) Voids.Add(providerReference);
        return _inner.VoidAsync(providerReference, cancellationToken);
    }

    public Task RefundAsync(string providerReference, Money amount, CancellationToken cancellationToken)
    {
        lock (Refunds) Refunds.Add((providerReference, amount));
        return _inner.RefundAsync(providerReference, amount, cancellationToken);
    }
}

/// <summary>The payments context on a real embedded store, its handlers driven the way the consumer pipeline drives them.</summary>
public sealed class PaymentsHarness : IAsyncDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "orderly-payments-tests", Guid.NewGuid().ToString("N") + ".db");
    private WebApplication? _app;

    public PaymentsHarness(TimeSpan? providerTimeout = null)
    {
        Database = new SqliteDatabase(_path);
        Store = new EmbeddedDocumentStore(Database, PaymentsModule.Name);
        // The module's edge with the time limit only: no retry in the call (each redelivery is one call), a circuit that never opens.
        Provider = new ResilientPaymentProvider(Counting,
            new PaymentsOptions(PaymentProviders.Simulated, Destinations.PaymentsCommands, providerTimeout ?? PaymentsOptions.DefaultProviderTimeout, 0,
                CircuitBreakerOptions.Default with { MinimumThroughput = int.MaxValue }),
            TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<ResilientPaymentProvider>.Instance);
    }

    public SqliteDatabase Database { get; }
    public EmbeddedDocumentStore Store { get; }
    public CountingProvider Counting { get; } = new();
    public IPaymentProvider Provider { get; }
    public EnvelopeFactory Envelopes { get; } = new(PaymentsModule.Source, TimeProvider.System);

    public AuthorizePaymentHandler Authorize => new(Provider);
    public CapturePaymentHandler Capture => new(Provider);
    public VoidPaymentHandler Void => new(Provider);

    /// <summary>Handles one command as the pipeline would (stage, then commit the batch with its outbox) and returns the single reply.</summary>
    public async Task<object> ReplyToAsync<T>(IMessageHandler<T> handler, T message) where T : notnull
    {
        var command = EnvelopeJson.Create(message, Guid.NewGuid().ToString("N"), "/orderly/checkout", DateTimeOffset.UtcNow,
            "corr-1", replyTo: Destinations.CheckoutReplies);
        var context = new MessageContext(command, Store, new WriteBatch(handler.PartitionKeyFor(message)), Envelopes, NullLogger.Instance);
        await handler.HandleAsync(message, context, CancellationToken.None);
        foreach (var outgoing in context.Outgoing) context.Batch.AddOutgoing(outgoing, DateTimeOffset.UtcNow);
        if (!context.Batch.IsEmpty) await Store.CommitAsync(context.Batch);
        var reply = Assert.Single(context.Outgoing);
        Assert.Equal(Destinations.CheckoutReplies, reply.Destination);
        return EnvelopeJson.ReadData(reply.Envelope); // checks the reply against its published contract
    }

    public async Task<Payment?> PaymentAsync(string orderId) => (await Store.ReadAsync(orderId, Payment.Kind))?.As<Payment>();

    /// <summary>The issuer the test server trusts.</summary>
    public TestTokens Tokens { get; } = new();

    /// <summary>An HTTP client calling as an operator (who may read everything).</summary>
    public Task<HttpClient> ClientAsync() => ClientAsync("ops", Roles.Operator);

    /// <summary>An HTTP client calling as <paramref name="subject"/> with <paramref name="roles"/> (null: anonymous).</summary>
    public async Task<HttpClient> ClientAsync(string? subject, params string[] roles)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration[PaymentProviders.Setting] = PaymentProviders.Simulated;
        builder.Services.AddPaymentsContext(builder.Configuration);
        builder.Services.AddKeyedSingleton<IDocumentStore>(PaymentsModule.Name, Store);
        builder.Services.AddProblemDetails();
        builder.Services.AddAccessGate(_ => Tokens.Validator());
        _app = builder.Build();
        _app.UseAccessGate();
        _app.MapPaymentsApi();
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
