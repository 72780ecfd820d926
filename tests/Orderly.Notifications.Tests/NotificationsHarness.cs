using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orderly.ConsumerPipeline;
using Orderly.Contracts;
using Orderly.Contracts.Orders;
using Orderly.Embedded;
using Orderly.Embedded.Store;
using Orderly.Messaging;
using Orderly.Notifications.Domain;
using Orderly.Notifications.Email;
using Orderly.Notifications.Handlers;
using Orderly.Storage;
using Orderly.Hosting.Access;

namespace Orderly.Notifications.Tests;

/// <summary>The notifications context on a real embedded store: its handlers driven as the pipeline drives them, and its HTTP API.</summary>
public sealed class NotificationsHarness : IAsyncDisposable
{
    private readonly string _directory;
    private readonly SqliteDatabase _database;
    private WebApplication? _app;

    public NotificationsHarness()
    {
        _directory = Path.Combine(Path.GetTempPath(), "orderly-notifications-tests", Guid.NewGuid().ToString("N"));
        _database = new SqliteDatabase(Path.Combine(_directory, "orderly.db"));
        Store = new EmbeddedDocumentStore(_database, NotificationsModule.Name, Clock);
        Sender = new CountingSender(new RecordingEmailSender(Store, Clock, NullLogger<RecordingEmailSender>.Instance));
    }

    public ManualClock Clock { get; } = new(new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.Zero));

    public IDocumentStore Store { get; }

    /// <summary>The recording adapter, counting how often the handlers asked it to send.</summary>
    public CountingSender Sender { get; }

    /// <summary>Delivers an order event to its notification handler, then commits what it staged (as the pipeline would).</summary>
    public async Task DeliverAsync<T>(T @event) where T : notnull
    {
        var envelopes = new EnvelopeFactory("/orderly/orders", Clock);
        var envelope = envelopes.Create(@event, correlationId: "corr-1");
        switch (@event)
        {
            case OrderPlaced e: await RunAsync(new OrderPlacedNotificationHandler(Sender), e, envelope); break;
            case OrderConfirmed e: await RunAsync(new OrderConfirmedNotificationHandler(Sender), e, envelope); break;
            case OrderCancelled e: await RunAsync(new OrderCancelledNotificationHandler(Sender), e, envelope); break;
            default: throw new ArgumentException($"notifications does not handle {typeof(T).Name}");
        }
    }

    private async Task RunAsync<T>(IMessageHandler<T> handler, T message, Envelope envelope) where T : notnull
    {
        var context = new MessageContext(envelope, Store, new WriteBatch(handler.PartitionKeyFor(message)),
            new EnvelopeFactory(NotificationsModule.Source, Clock), NullLogger.Instance);
        await handler.HandleAsync(message, context, CancellationToken.None);
        if (!context.Batch.IsEmpty) await Store.CommitAsync(context.Batch);
    }

    /// <summary>The customer's recorded notifications, as stored.</summary>
    public async Task<IReadOnlyList<Notification>> RecordedAsync(string customerId) =>
        (await Store.QueryAsync(Notification.PartitionFor(customerId), Notification.DocumentKind)).Select(d => d.As<Notification>()).ToList();

    /// <summary>The issuer the test server trusts.</summary>
    public TestTokens Tokens { get; } = new();

    /// <summary>An HTTP client calling as an operator (who may read everything).</summary>
    public Task<HttpClient> ClientAsync() => ClientAsync("ops", Roles.Operator);

    /// <summary>An HTTP client calling as <paramref name="subject"/> with <paramref name="roles"/> (null: anonymous).</summary>
    public async Task<HttpClient> ClientAsync(string? subject, params string[] roles)
    {
        if (_app is null)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseTestServer();
            builder.Logging.ClearProviders();
            builder.Services.AddSingleton<TimeProvider>(Clock);
            builder.Services.AddKeyedSingleton(NotificationsModule.Name, Store);
            builder.Services.AddNotificationsContext(builder.Configuration);
            builder.Services.AddProblemDetails();
            builder.Services.AddAccessGate(_ => Tokens.Validator());
            _app = builder.Build();
            _app.UseAccessGate();
            _app.MapNotificationsApi();
            await _app.StartAsync();
        }
        var client = _app.GetTestClient();
        return subject is null ? client : Tokens.As(client, subject, roles);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        await _database.DisposeAsync();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { } // best effort on a temp folder
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
}

/// <summary>Counts the sends it passes on.</summary>
public sealed class CountingSender(IEmailSender inner) : IEmailSender
{
    private int _sends;

    public int Sends => _sends;

    public Task SendAsync(EmailMessage message, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _sends);
        return inner.SendAsync(message, cancellationToken);
    }
}
