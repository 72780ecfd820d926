using System.Net;
using System.Text;

namespace Orderly.EndToEnd.Support;

/// <summary>
/// Calls each operation three ways: without a token (401 with a Bearer challenge), with a token of each role it does not name
/// (403), and with each role it names (admitted: its own answer, never 401 or 403). Used for every route of the shared shop and
/// for the routes only a host with extra settings maps (the fault suite's).
/// </summary>
public static class RouteAccessMatrix
{
    /// <summary>Runs the matrix over <paramref name="operations"/>; returns the number of calls and one line per wrong answer.</summary>
    public static async Task<(int Calls, IReadOnlyList<string> Failures)> CheckAsync(ShopApi shop, IReadOnlyList<ApiOperation> operations)
    {
        var sku = ShopApi.NewSku("route");
        await shop.CreateProductAsync(sku, 2m, stock: 2);
        var customer = ShopApi.NewCustomer();
        var orderId = await shop.PlaceOrderAsync(ShopApi.Order(customer, [(sku, 1)]));
        await shop.WaitForOutcomeAsync(orderId);
        var clients = new Dictionary<string, HttpClient>
        {
            ["customer"] = await shop.CustomerAsync(customer),
            ["shop-admin"] = await shop.AdminAsync(),
            ["operator"] = await shop.OperatorAsync(),
        };
        var failures = new List<string>();
        var calls = 0;

        async Task CheckAsync(ApiOperation op, HttpClient client, string who, Func<HttpResponseMessage, bool> expected, string want)
        {
            calls++;
            var path = op.Path.TrimStart('/').Replace("{orderId}", orderId, StringComparison.Ordinal).Replace("{customerId}", customer, StringComparison.Ordinal)
                .Replace("{sku}", sku, StringComparison.Ordinal).Replace("{id}", "dl-none", StringComparison.Ordinal);
            // Every query parameter with a value that finds something: the documents do not say which ones are required.
            // A continuation only comes from a previous page, so the first page is asked for.
            var query = op.Parameters.Where(p => p.In == "query" && p.Name != "continuation").Select(p => p.Name + "=" + p.Name switch
            {
                "pageSize" => "10",
                "orderId" => orderId,
                "customerId" => customer,
                "skus" => sku,
                "note" => "checking",
                "entity" => "payments-commands",
                "status" => "Pending",
                "reason" => "max-delivery",
                "minAgeSeconds" => "0",
                "maxAgeSeconds" => "3600",
                var other => throw new InvalidOperationException($"no value for the query parameter {other}: add one here"),
            });
            using var request = new HttpRequestMessage(new HttpMethod(op.Method), path + "?" + string.Join('&', query));
            // An empty object: valid JSON no command accepts, so an admitted write is refused by its validation and changes nothing.
            if (op.HasBody) request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            using var response = await client.SendAsync(request);
            if (!expected(response)) failures.Add($"{op} as {who}: {(int)response.StatusCode}, expected {want}: {await response.Content.ReadAsStringAsync()}");
        }

        static bool Unauthorized(HttpResponseMessage r) =>
            r.StatusCode == HttpStatusCode.Unauthorized && r.Headers.WwwAuthenticate.Any(h => h.Scheme == "Bearer")
            && r.Content.Headers.ContentType?.MediaType == "application/problem+json";
        static bool Forbidden(HttpResponseMessage r) =>
            r.StatusCode == HttpStatusCode.Forbidden && r.Content.Headers.ContentType?.MediaType == "application/problem+json";
        // Reads of what exists are 200; writes of {} are 400; a dead letter that does not exist is 404.
        static bool Admitted(ApiOperation op, HttpResponseMessage r) =>
            op.Path.Contains("{id}", StringComparison.Ordinal) ? r.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest
            : op.HasBody ? r.StatusCode == HttpStatusCode.BadRequest
            : r.StatusCode == HttpStatusCode.OK;

        foreach (var op in operations)
        {
            if (op.IsAnonymous)
            {
                await CheckAsync(op, shop.Http, "anonymous", r => Admitted(op, r), "admitted");
                continue;
            }
            await CheckAsync(op, shop.Http, "anonymous", Unauthorized, "401 with a Bearer challenge, problem+json");
            foreach (var role in OpenApiOperations.AllRoles.Except(op.Roles))
                await CheckAsync(op, clients[role], role, Forbidden, "403 problem+json");
            foreach (var role in op.Roles)
                await CheckAsync(op, clients[role], role, r => Admitted(op, r), "admitted (200 for a read, 400 for {}, 404 for no such dead letter)");
        }
        return (calls, failures);
    }
}
