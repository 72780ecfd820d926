using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orderly.Hosting.Access;
using Orderly.Hosting.DeadLetters;
using Orderly.Messaging;

namespace Orderly.Hosting.Tests;

/// <summary>The triage list's filters (reason, age) and the bulk resubmit by filter, on a real test server over a queue in memory.</summary>
public sealed class DeadLetterFilterTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private readonly TestTokens _tokens = new();
    private readonly LettersInMemory _queue = new();
    private WebApplication _app = null!;
    private HttpClient _operator = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddProblemDetails();
        builder.Services.AddAccessGate(_ => _tokens.Validator());
        builder.Services.AddSingleton<IDeadLetterQueue>(_queue);
        builder.Services.AddSingleton<TimeProvider>(new FixedTime(Now));
        _app = builder.Build();
        _app.UseAccessGate();
        _app.MapDeadLetterTriage();
        _app.RequireRoutePolicies();
        await _app.StartAsync();
        _operator = _tokens.As(_app.GetTestClient(), "olga", Roles.Operator);

        _queue.Add("a", "orders-commands", "MalformedMessage", "body is not JSON", Now.AddMinutes(-30));
        _queue.Add("b", "payments-commands", "MaxDeliveryCountExceeded", "Payment provider TIMEOUT", Now.AddMinutes(-5));
        _queue.Add("c", "payments-commands", "MalformedMessage", "missing field 'orderId'", Now.AddSeconds(-10));
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<List<string>> Ids(string query)
    {
        var letters = await _operator.GetFromJsonAsync<JsonElement>("/api/admin/dead-letters" + query);
        return letters.EnumerateArray().Select(l => l.GetProperty("id").GetString()!).ToList();
    }

    [Fact]
    public async Task Reason_matches_a_piece_of_the_reason_or_the_description_whatever_its_case()
    {
        Assert.Equal(["a", "c"], await Ids("?reason=malformed"));
        Assert.Equal(["b"], await Ids("?reason=timeout"));
        Assert.Equal(["c"], await Ids("?reason=malformed&entity=payments-commands"));
    }

    [Fact]
    public async Task Age_bounds_are_seconds_since_the_letter_was_dead_lettered()
    {
        Assert.Equal(["a", "b"], await Ids("?minAgeSeconds=60"));
        Assert.Equal(["b", "c"], await Ids("?maxAgeSeconds=600"));
        Assert.Equal(["b"], await Ids("?minAgeSeconds=60&maxAgeSeconds=600"));
    }

    [Theory]
    [InlineData("?minAgeSeconds=soon", "minAgeSeconds")]
    [InlineData("?maxAgeSeconds=-1", "maxAgeSeconds")]
    [InlineData("?minAgeSeconds=600&maxAgeSeconds=60", "maxAgeSeconds")]
    [InlineData("?status=Lost", "status")]
    [InlineData("?reason=%20", "reason")]
    public async Task A_bad_filter_is_a_400_problem_naming_the_field(string query, string field)
    {
        var answer = await _operator.GetAsync("/api/admin/dead-letters" + query);

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
        var problem = await answer.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Bulk_resubmit_sends_the_matching_pending_letters_once_each_and_says_which()
    {
        var answer = await _operator.PostAsJsonAsync("/api/admin/dead-letters/resubmit", new { reason = "malformed", note = "parser fixed" });

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var result = await answer.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, result.GetProperty("matched").GetInt32());
        Assert.Equal(["a", "c"], result.GetProperty("resubmitted").EnumerateArray().Select(r => r.GetProperty("id").GetString()));
        Assert.False(result.GetProperty("more").GetBoolean());
        Assert.Equal([("a", "olga", "parser fixed"), ("c", "olga", "parser fixed")], _queue.Resubmits);

        // Called again, nothing is pending any more: nothing goes twice.
        var again = await (await _operator.PostAsJsonAsync("/api/admin/dead-letters/resubmit", new { reason = "malformed" })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, again.GetProperty("matched").GetInt32());
        Assert.Equal(2, _queue.Resubmits.Count);
    }

    [Fact]
    public async Task Bulk_resubmit_sends_at_most_max_oldest_first_and_says_more_match()
    {
        var result = await (await _operator.PostAsJsonAsync("/api/admin/dead-letters/resubmit", new { status = "Pending", max = 1 })).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(3, result.GetProperty("matched").GetInt32());
        Assert.Equal("a", Assert.Single(result.GetProperty("resubmitted").EnumerateArray()).GetProperty("id").GetString());
        Assert.True(result.GetProperty("more").GetBoolean());
    }

    [Fact]
    public async Task A_letter_decided_meanwhile_is_skipped_with_the_reason_not_sent()
    {
        _queue.DecidedMeanwhile = "b";

        var result = await (await _operator.PostAsJsonAsync("/api/admin/dead-letters/resubmit", new { entity = "payments-commands" })).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(["c"], result.GetProperty("resubmitted").EnumerateArray().Select(r => r.GetProperty("id").GetString()));
        var skipped = Assert.Single(result.GetProperty("skipped").EnumerateArray());
        Assert.Equal("b", skipped.GetProperty("id").GetString());
        Assert.Contains("already", skipped.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"max":0}""", "max")]
    [InlineData("""{"max":101}""", "max")]
    [InlineData("""{"status":"Resubmitted"}""", "status")]
    [InlineData("""{"minAgeSeconds":"60"}""", "minAgeSeconds")]
    [InlineData("""{"reason":""}""", "reason")]
    [InlineData("""{}""", "filter")]
    [InlineData("""{"max":5,"note":"all of them"}""", "filter")]
    public async Task A_bad_bulk_filter_is_a_400_naming_the_field_and_sends_nothing(string body, string field)
    {
        var answer = await _operator.PostAsync("/api/admin/dead-letters/resubmit", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        var problem = await answer.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Empty(_queue.Resubmits);
    }

    [Fact]
    public async Task Bulk_resubmit_is_for_operators_only()
    {
        var customer = _tokens.As(_app.GetTestClient(), "ada", Roles.Customer);

        Assert.Equal(HttpStatusCode.Forbidden, (await customer.PostAsJsonAsync("/api/admin/dead-letters/resubmit", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.GetTestClient().PostAsJsonAsync("/api/admin/dead-letters/resubmit", new { })).StatusCode);
        Assert.Empty(_queue.Resubmits);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>Dead letters in a list, with the port's rules: a resubmitted letter is not resubmitted again.</summary>
    private sealed class LettersInMemory : IDeadLetterQueue
    {
        private readonly List<DeadLetteredMessage> _letters = [];

        public List<(string Id, string Actor, string? Note)> Resubmits { get; } = [];

        /// <summary>A letter someone else resubmits between the list and this caller's resubmit.</summary>
        public string? DecidedMeanwhile { get; set; }

        public void Add(string id, string entity, string reason, string description, DateTimeOffset at) => _letters.Add(new(id, entity,
            "m-" + id, "{}"u8.ToArray(), new Dictionary<string, string>(), reason, description, 1, at, at, DeadLetterStatus.Pending, null, null));

        public Task<IReadOnlyList<DeadLetteredMessage>> ListAsync(string? entity = null, DeadLetterStatus? status = null, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<DeadLetteredMessage>>(_letters.Where(l => (entity is null || l.Entity == entity) && (status is null || l.Status == status)).ToList());

        public Task<DeadLetteredMessage?> ShowAsync(string id, CancellationToken cancellationToken = default) =>
            Task.FromResult(_letters.FirstOrDefault(l => l.Id == id));

        public Task<IReadOnlyList<DeadLetterTrailEntry>> TrailAsync(string id, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<DeadLetterTrailEntry>>([]);

        public Task<string> ResubmitAsync(string id, string actor, ReadOnlyMemory<byte>? editedBody = null, string? note = null, CancellationToken cancellationToken = default)
        {
            var i = _letters.FindIndex(l => l.Id == id);
            if (id == DecidedMeanwhile || _letters[i].Status == DeadLetterStatus.Resubmitted)
                throw new DeadLetterConflictException(_letters[i], $"Dead letter '{id}' was already resubmitted.");
            _letters[i] = _letters[i] with { Status = DeadLetterStatus.Resubmitted, ResubmittedAsMessageId = "again-" + id };
            Resubmits.Add((id, actor, note));
            return Task.FromResult("again-" + id);
        }

        public Task MarkIgnoredAsync(string id, string actor, string note, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }
}
