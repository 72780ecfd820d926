using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orderly.Contracts;
using Orderly.Embedded;
using Orderly.Embedded.Store;
using Orderly.Hosting.Access;
using Orderly.Messaging;
using Orderly.Messaging.ServiceBus;
using Orderly.Operations;
using Orderly.Operations.Functions;
using Orderly.Storage;

namespace Orderly.Functions.Tests;

/// <summary>
/// The operations app's triage triggers answer with the local host's contract over the Service Bus adapter, whose triage
/// notes (with the trail) live in the app's own container: here the embedded store stands in for it, and every call stays
/// on paths decided by a note, so the namespace is never reached.
/// </summary>
public sealed class OperationsTriageTests : IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "orderly-ops-triage-" + Guid.NewGuid().ToString("N"));
    private SqliteDatabase _database = null!;
    private IHost _host = null!;

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _database = new SqliteDatabase(Path.Combine(_directory, "operations.db"));
        var notes = new EmbeddedDocumentStore(_database, OperationsModule.Name);
        _host = AppHosts.Build("functions/operations/Orderly.Operations.Functions", b => b.AddOperationsApp(),
            b => b.Services.AddKeyedSingleton<IDocumentStore>(OperationsModule.Name, notes));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _host.Dispose();
        await _database.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_letter_ignored_on_a_subscription_is_shown_with_its_trail_and_cannot_be_ignored_again()
    {
        var entity = EntityPath.Subscription(Destinations.OrdersEvents, Destinations.NotificationsSubscription);
        var id = await IgnoredAsync(entity, "olga", "the customer asked us to drop it");
        var triggers = ActivatorUtilities.CreateInstance<OperationsHttp>(_host.Services);

        var (status, shown) = await RunAsync(http => triggers.ShowDeadLetter(http.Request, id, CancellationToken.None));
        Assert.Equal(200, status);
        Assert.Equal("Ignored", shown.RootElement.GetProperty("status").GetString());
        Assert.Equal(entity, shown.RootElement.GetProperty("entity").GetString());
        var trail = shown.RootElement.GetProperty("trail").EnumerateArray().ToList();
        Assert.Equal(["DeadLettered", "Ignored"], trail.Select(t => t.GetProperty("action").GetString()));
        Assert.Equal("olga", trail[1].GetProperty("actor").GetString());

        var (again, problem) = await RunAsync(http =>
        {
            http.Request.ContentType = "application/json";
            var body = Encoding.UTF8.GetBytes("""{"note":"and once more"}""");
            http.Request.Body = new MemoryStream(body);
            http.Request.ContentLength = body.Length;
            return triggers.IgnoreDeadLetter(http.Request, id, CancellationToken.None);
        });
        Assert.Equal(409, again);
        Assert.Equal(id, problem.RootElement.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Every_queue_and_subscription_of_the_topology_is_triaged()
    {
        // The triage knows an id only on an entity it was given: a decided letter on each one is found.
        foreach (var entity in Destinations.Queues.Concat(Destinations.Subscriptions.Select(s => EntityPath.Subscription(s.Topic, s.Subscription))))
        {
            var id = await IgnoredAsync(entity, "olga", "looked at it");
            Assert.NotNull(await _host.Services.GetRequiredService<IDeadLetterQueue>().ShowAsync(id));
        }
    }

    private async Task<string> IgnoredAsync(string entity, string actor, string note)
    {
        var letter = new DeadLetteredMessage(ServiceBusEntity.DeadLetterId(entity, 7), entity, "m-7", Encoding.UTF8.GetBytes("{}"),
            new Dictionary<string, string>(), "malformed", "not an envelope", 1, At, At, DeadLetterStatus.Ignored, note, null);
        var notes = _host.Services.GetRequiredKeyedService<IDocumentStore>(OperationsModule.Name);
        await notes.CreateAsync(ServiceBusDeadLetterQueue.NotePartition, ServiceBusDeadLetterQueue.NoteId(letter.Id), ServiceBusDeadLetterQueue.NoteKind,
            new DeadLetterNote(letter, new ResendHeaders(null, null, null, null),
                [ServiceBusDeadLetterMapping.DeadLettered(letter), new DeadLetterTrailEntry(At.AddMinutes(1), DeadLetterAction.Ignored, actor, note)]));
        return letter.Id;
    }

    private async Task<(int Status, JsonDocument Body)> RunAsync(Func<HttpContext, Task<IActionResult>> call)
    {
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "olga"), new Claim(ClaimTypes.Role, Roles.Operator)], "Bearer");
        var http = new DefaultHttpContext { RequestServices = _host.Services, User = new ClaimsPrincipal(identity), Response = { Body = new MemoryStream() } };
        var result = await call(http);
        await result.ExecuteResultAsync(new ActionContext(http, new RouteData(), new ActionDescriptor()));
        return (http.Response.StatusCode, JsonDocument.Parse(((MemoryStream)http.Response.Body).ToArray()));
    }
}
