using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orderly.Functions.Http;
using Orderly.Hosting.Access;
using Orderly.Orders;
using Orderly.Orders.Functions;
using Orderly.Storage;

namespace Orderly.Functions.Tests;

/// <summary>
/// In a Function App as in the local host, a call that meets the store unavailable or throttling is told to come back
/// (503 problem+json with Retry-After), not a worker 500: the app's worker middleware runs the same exception handlers.
/// </summary>
public sealed class StoreFailureAnswerTests
{
    [Theory]
    [InlineData("unavailable", "1")]
    [InlineData("throttled", "3")]
    public async Task A_function_meeting_the_store_down_answers_503_with_retry_after(string fault, string retryAfter)
    {
        DocumentStoreException failure = fault == "unavailable"
            ? new StoreUnavailableException("Cosmos DB answered 503")
            : new StoreThrottledException("Cosmos DB answered 429", TimeSpan.FromMilliseconds(2500));
        using var host = OrdersAppWithStore(new FailingStore(failure));
        var http = OperatorRequest(host.Services);

        var thrown = await Assert.ThrowsAsync(failure.GetType(), () =>
            ActivatorUtilities.CreateInstance<OrdersHttp>(host.Services).GetOrder(http.Request, "order-1", CancellationToken.None));
        var answered = await host.Services.GetRequiredService<ExceptionAnswerMiddleware>().TryAnswerAsync(http, thrown, CancellationToken.None);

        Assert.True(answered);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, http.Response.StatusCode);
        Assert.Equal(retryAfter, http.Response.Headers.RetryAfter.ToString());
        Assert.StartsWith("application/problem+json", http.Response.ContentType, StringComparison.Ordinal);
        http.Response.Body.Position = 0;
        using var problem = await JsonDocument.ParseAsync(http.Response.Body);
        Assert.Equal(503, problem.RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Any_other_failure_is_left_to_the_host_s_500()
    {
        using var host = OrdersAppWithStore(new FailingStore(new InvalidOperationException("a bug")));
        var http = OperatorRequest(host.Services);

        var answered = await host.Services.GetRequiredService<ExceptionAnswerMiddleware>()
            .TryAnswerAsync(http, new InvalidOperationException("a bug"), CancellationToken.None);

        Assert.False(answered);
        Assert.Equal(StatusCodes.Status200OK, http.Response.StatusCode); // untouched: the worker's invocation fails, the host answers 500
    }

    private static IHost OrdersAppWithStore(IDocumentStore store) =>
        AppHosts.Build("functions/orders/Orderly.Orders.Functions", b => b.AddOrdersApp(),
            b => b.Services.AddKeyedSingleton(OrdersModule.Name, store));

    private static DefaultHttpContext OperatorRequest(IServiceProvider services)
    {
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "olga"), new Claim(ClaimTypes.Role, Roles.Operator)], "Bearer");
        return new DefaultHttpContext { RequestServices = services, User = new ClaimsPrincipal(identity), Response = { Body = new MemoryStream() } };
    }

    private sealed class FailingStore(Exception failure) : IDocumentStore
    {
        public string Container => OrdersModule.Name;

        public Task<StoredDocument?> ReadAsync(string partitionKey, string id, CancellationToken cancellationToken = default) =>
            Task.FromException<StoredDocument?>(failure);

        public Task<IReadOnlyList<StoredDocument>> QueryAsync(string partitionKey, string? kind = null, CancellationToken cancellationToken = default) =>
            Task.FromException<IReadOnlyList<StoredDocument>>(failure);

        public Task<DocumentPage> ListAsync(DocumentListing listing, CancellationToken cancellationToken = default) =>
            Task.FromException<DocumentPage>(failure);

        public Task<BatchResult> CommitAsync(WriteBatch batch, CancellationToken cancellationToken = default) =>
            Task.FromException<BatchResult>(failure);
    }
}
