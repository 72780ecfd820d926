using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orderly.Functions.Http;
using Orderly.Hosting;
using Orderly.Orders.Http;

namespace Orderly.Orders.Functions;

/// <summary>The orders HTTP API (routes of ORDERLY.md; the host adds the <c>api/</c> prefix), each a call into the core.</summary>
public sealed class OrdersHttp(OrdersServices services, HealthCheckService health)
{
    [Function(nameof(OrdersModule.Routes.PlaceOrder))]
    public Task<IActionResult> PlaceOrder([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orders")] HttpRequest req, CancellationToken ct) =>
        OrdersEndpoints.PlaceOrder(req, req.HttpContext.User, services, ct).AsActionResult();

    [Function(nameof(OrdersModule.Routes.SearchOrders))]
    public Task<IActionResult> SearchOrders([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orders")] HttpRequest req, CancellationToken ct) =>
        OrdersEndpoints.SearchOrders(req.Query["status"], req.Query["customerId"], req.Query["pageSize"], req.Query["continuation"], services, ct).AsActionResult();

    [Function(nameof(OrdersModule.Routes.GetOrder))]
    public Task<IActionResult> GetOrder([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orders/{orderId}")] HttpRequest req, string orderId, CancellationToken ct) =>
        OrdersEndpoints.GetOrder(orderId, req.HttpContext.User, services, ct).AsActionResult();

    [Function(nameof(OrdersModule.Routes.GetCustomerOrders))]
    public Task<IActionResult> GetCustomerOrders([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "customers/{customerId}/orders")] HttpRequest req, string customerId, CancellationToken ct) =>
        OrdersEndpoints.GetCustomerOrders(customerId, req.HttpContext.User, services, ct).AsActionResult();

    [Function(nameof(HealthEndpoint.Health))]
    public Task<IActionResult> Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest req, CancellationToken ct) =>
        HealthResponse.CheckAsync(health, ct);
}
