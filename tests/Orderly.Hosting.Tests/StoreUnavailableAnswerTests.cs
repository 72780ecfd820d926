using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;
using Orderly.Storage;

namespace Orderly.Hosting.Tests;

/// <summary>A request that meets the store down or throttled is told to come back (503, Retry-After), never a bare 500.</summary>
public sealed class StoreUnavailableAnswerTests : IAsyncLifetime
{
    private WebApplication _app = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.AddOrderlyDefaults();
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.UseOrderlyDefaults();
        _app.MapGet("/down", () => { throw new StoreUnavailableException("disk I/O error"); });
        _app.MapGet("/throttled", () => { throw new StoreThrottledException("429 from Cosmos DB", TimeSpan.FromMilliseconds(6200)); });
        _app.MapGet("/bug", () => { throw new InvalidOperationException("a bug"); });
        await _app.StartAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("/down", "1")]
    [InlineData("/throttled", "7")]
    public async Task The_store_being_unavailable_is_a_503_problem_that_says_when_to_come_back(string path, string retryAfter)
    {
        using var response = await _app.GetTestClient().GetAsync(path);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(retryAfter, Assert.Single(response.Headers.GetValues("Retry-After")));
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"status\":503", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Any_other_failure_stays_a_500_problem_without_a_retry_hint()
    {
        using var response = await _app.GetTestClient().GetAsync("/bug");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.False(response.Headers.Contains("Retry-After"));
    }
}
