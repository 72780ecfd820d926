using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orderly.Hosting.Access;
using Orderly.Hosting.Http;

namespace Orderly.Hosting.Tests;

/// <summary>The door every route has: 401 without a good token, 403 without the role, 413 over the body limit, 429 over the rate.</summary>
public sealed class AccessGateTests : IAsyncLifetime
{
    private readonly TestTokens _tokens = new();
    private WebApplication _app = null!;
    private int _bodiesRead;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration["RateLimits:PlaceOrder:PermitsPerMinute"] = "1";
        builder.Configuration["RateLimits:PlaceOrder:Burst"] = "2";
        builder.Services.AddProblemDetails();
        builder.Services.AddAccessGate(_ => _tokens.Validator());
        _app = builder.Build();
        _app.UseAccessGate();
        _app.MapApi(new ApiRoute("Open", "GET", "/open", RoutePolicy.Anyone), (System.Security.Claims.ClaimsPrincipal caller) => caller.SubjectOf() ?? "anonymous");
        _app.MapApi(new ApiRoute("Find", "GET", "/find", RoutePolicy.Anyone), (string? id) =>
        {
            var errors = new FieldErrors();
            return QueryValue.Single(id, "id", 10, errors) is { } found ? TypedResults.Ok(found) : (IResult)errors.ToProblem();
        });
        _app.MapApi(new ApiRoute("Ops", "GET", "/ops", RoutePolicy.For(Roles.Operator)), () => "ops");
        _app.MapApi(new ApiRoute("Echo", "POST", "/echo", RoutePolicy.For(Roles.Customer).WithBody(100)), async (HttpRequest request) =>
        {
            Interlocked.Increment(ref _bodiesRead);
            using var body = await JsonBody.ReadObjectAsync(request, request.HttpContext.RequestAborted);
            return body.Refusal is { } refusal ? (IResult)refusal : TypedResults.Ok(body.Root.EnumerateObject().Count());
        });
        _app.MapApi(new ApiRoute("Limited", "POST", "/limited", RoutePolicy.For(Roles.Customer).RateLimited(SubjectRateLimits.PlaceOrder)), () => "ok");
        await _app.StartAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private HttpClient Client(string? subject = null, params string[] roles)
    {
        var client = _app.GetTestClient();
        return subject is null ? client : _tokens.As(client, subject, roles);
    }

    [Fact]
    public async Task No_token_on_a_protected_route_is_401_problem_with_a_bearer_challenge()
    {
        using var response = await Client().GetAsync("/ops");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().ToString());
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_refused_token_is_401_naming_invalid_token_even_on_an_open_route()
    {
        var client = Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _tokens.Issue("ada", [Roles.Operator], expires: DateTimeOffset.UtcNow.AddMinutes(-5), notBefore: DateTimeOffset.UtcNow.AddHours(-1)));
        using var response = await client.GetAsync("/open");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.Single().ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_open_route_serves_anonymous_callers_and_knows_a_signed_in_one()
    {
        Assert.Equal("anonymous", await Client().GetStringAsync("/open"));
        Assert.Equal("ada", await Client("ada", Roles.Customer).GetStringAsync("/open"));
    }

    [Fact]
    public async Task The_wrong_role_is_403_and_the_right_role_gets_in()
    {
        using var customer = await Client("ada", Roles.Customer).GetAsync("/ops");
        using var noRoles = await Client("ada").GetAsync("/ops");
        using var ops = await Client("ops", Roles.Operator).GetAsync("/ops");
        Assert.Equal(HttpStatusCode.Forbidden, customer.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, noRoles.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ops.StatusCode);
    }

    [Fact]
    public async Task Authorization_runs_before_the_body_is_read()
    {
        using var anonymous = await Client().PostAsync("/echo", Json("{\"a\":1}"));
        using var wrongRole = await Client("ops", Roles.Operator).PostAsync("/echo", Json("{\"a\":1}"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, wrongRole.StatusCode);
        Assert.Equal(0, Volatile.Read(ref _bodiesRead));
    }

    [Fact]
    public async Task A_declared_length_over_the_limit_is_413_before_the_endpoint_runs()
    {
        using var response = await Client("ada", Roles.Customer).PostAsync("/echo", Json("{\"a\":\"" + new string('x', 200) + "\"}"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, Volatile.Read(ref _bodiesRead));
    }

    [Fact]
    public async Task A_body_without_a_length_is_cut_off_at_the_limit_with_413()
    {
        var content = new StreamContent(new EndlessJson());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await Client("ada", Roles.Customer).PostAsync("/echo", content);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Calls_over_the_subjects_rate_get_429_with_retry_after_and_other_subjects_are_untouched()
    {
        var ada = Client("ada-rate", Roles.Customer);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await ada.PostAsync("/limited", null);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        using var bob = await Client("bob-rate", Roles.Customer).PostAsync("/limited", null);
        Assert.Equal(HttpStatusCode.OK, bob.StatusCode);
    }

    [Theory]
    [InlineData("?id=a&id=b", "id")] // ASP.NET Core would have joined them: "a,b"
    [InlineData("?id=%C3%28", "query")] // not UTF-8: the decoder would have left "%C3(" as text
    [InlineData("?id=%ED%A0%80", "query")] // an encoded lone surrogate
    [InlineData("?id=", "id")] // given but blank is not "absent"
    [InlineData("?id=%20", "id")]
    [InlineData("?id=a%0A", "id")]
    [InlineData("?id=a%E2%80%8B", "id")] // a zero-width space would make two ids look the same
    [InlineData("?id=12345678901", "id")]
    [InlineData("", "id")]
    public async Task A_query_parameter_repeated_undecodable_blank_invisible_or_too_long_is_400_naming_it(string query, string field)
    {
        using var response = await Client().GetAsync("/find" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), problem.RootElement.ToString());
    }

    [Theory]
    [InlineData("?id=ord-1", "ord-1")]
    [InlineData("?id=caf%C3%A9%E2%82%AC", "café€")]
    [InlineData("?id=50%25&other=x", "50%")]
    public async Task A_query_parameter_of_visible_utf8_text_given_once_is_read(string query, string expected)
    {
        using var response = await Client().GetAsync("/find" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, JsonSerializer.Deserialize<string>(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task A_route_without_a_policy_stops_the_host_at_start_naming_it()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddAccessGate(_ => _tokens.Validator());
        await using var app = builder.Build();
        app.MapGet("/forgotten", () => "oops").WithName("Forgotten");
        var error = Assert.Throws<InvalidOperationException>(() => app.RequireRoutePolicies());
        Assert.Contains("/forgotten", error.Message, StringComparison.Ordinal);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>A JSON string that never ends, sent without a Content-Length.</summary>
    private sealed class EndlessJson : Stream
    {
        private bool _started;

        public override int Read(byte[] buffer, int offset, int count)
        {
            var start = _started ? 0 : 1;
            if (!_started) buffer[offset] = (byte)'[';
            _started = true;
            for (var i = start; i < count; i++) buffer[offset + i] = (byte)'1';
            return count;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => 0; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
