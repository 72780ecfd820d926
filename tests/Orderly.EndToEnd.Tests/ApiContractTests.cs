using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orderly.EndToEnd.Tests;

/// <summary>
/// The OpenAPI documents against what the shop really sends. Every answer any test gets is held to them (ShopHost's
/// ContractCheckingHandler); these tests show the check can fail, and what the documents must say.
/// </summary>
public sealed class ApiContractTests : ShopTest
{
    [Fact]
    public async Task A_property_the_document_requires_but_a_confirmed_order_leaves_out_fails_the_check()
    {
        var (path, body) = await ConfirmedOrderAsync();
        var documents = await DocumentsAsync();
        Assert.Null(ApiContract.From(documents).Check("GET", path, 200, "application/json", body));

        // As the documents once said: cancellationReason required, though a confirmed order has none.
        documents["orders"]["components"]!["schemas"]!["OrderView"]!["required"]!.AsArray().Add("cancellationReason");
        var problem = ApiContract.From(documents).Check("GET", path, 200, "application/json", body);

        Assert.NotNull(problem);
        Assert.Contains("cancellationReason", problem);
    }

    [Fact]
    public async Task A_property_the_document_does_not_name_fails_the_check()
    {
        var (path, body) = await ConfirmedOrderAsync();
        var extra = JsonNode.Parse(body)!.AsObject();
        extra["paymentToken"] = "tok_visa";

        var problem = ApiContract.From(await DocumentsAsync()).Check("GET", path, 200, "application/json", extra.ToJsonString());

        Assert.NotNull(problem);
        Assert.Contains("paymentToken", problem);
    }

    [Fact]
    public async Task A_status_or_content_type_the_document_does_not_list_fails_the_check()
    {
        var contract = ApiContract.From(await DocumentsAsync());

        Assert.Contains("does not list", contract.Check("GET", "/api/orders/o-1", 409, "application/problem+json", """{"status":409}"""));
        Assert.Contains("does not list", contract.Check("GET", "/api/orders/o-1", 200, "text/plain", "hello"));
        Assert.Null(contract.Check("GET", "/api/nowhere", 404, "application/problem+json", """{"status":404}""")); // no operation's
    }

    [Fact]
    public async Task Every_client_of_the_suite_holds_answers_to_the_documents()
    {
        Assert.NotNull(Shop.Host.Contract);
        // A 422 with its errors, through the suite's own client: it passes because the document says so.
        var sku = ShopApi.NewSku("contract");
        await Shop.CreateProductAsync(sku, 3m, stock: 5);
        var customer = ShopApi.NewCustomer();
        var key = "contract-" + Guid.NewGuid().ToString("N");
        await Shop.PlaceOrderAsync(ShopApi.Order(customer, [(sku, 1)]), key);
        using var reused = await Shop.PostOrderAsync(ShopApi.Order(customer, [(sku, 2)]), key);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        var problem = await reused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.Prop("errors")!.Value.TryGetProperty("Idempotency-Key", out _));
    }

    [Fact]
    public async Task The_documents_are_titled_by_context_type_integers_as_integers_and_name_the_headers_read()
    {
        var documents = await DocumentsAsync();
        foreach (var (name, document) in documents)
        {
            Assert.Equal($"Orderly {name} API", document["info"]!["title"]!.GetValue<string>());
            var text = document.ToJsonString();
            Assert.DoesNotContain("\"integer\",\"string\"", text, StringComparison.Ordinal);
            Assert.DoesNotContain("\"number\",\"string\"", text, StringComparison.Ordinal);
            Assert.Equal("bearer", document["components"]!["securitySchemes"]!["bearer"]!["scheme"]!.GetValue<string>());
        }
        var placeOrder = documents["orders"]["paths"]!["/api/orders"]!["post"]!;
        var headers = placeOrder["parameters"]!.AsArray().Where(p => p!["in"]!.GetValue<string>() == "header").Select(p => p!["name"]!.GetValue<string>());
        Assert.Equal(["Idempotency-Key", "X-Correlation-Id"], headers);
        Assert.Equal("#/components/schemas/HttpValidationProblemDetails",
            placeOrder["responses"]!["422"]!["content"]!["application/problem+json"]!["schema"]!["$ref"]!.GetValue<string>());
        var pageSize = documents["orders"]["paths"]!["/api/orders"]!["get"]!["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "pageSize")!;
        Assert.Equal(("integer", 200), (pageSize["schema"]!["type"]!.GetValue<string>(), pageSize["schema"]!["maximum"]!.GetValue<int>()));
        var ignore = documents["admin"]["paths"]!["/api/admin/dead-letters/{id}/ignore"]!["post"]!["requestBody"]!;
        Assert.True(ignore["required"]!.GetValue<bool>());
        var resubmit = documents["admin"]["paths"]!["/api/admin/dead-letters/{id}/resubmit"]!["post"]!["requestBody"]!;
        Assert.False(resubmit["required"]?.GetValue<bool>() ?? false);
    }

    [Fact]
    public async Task The_API_reference_is_served_by_the_host_itself()
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var client = new HttpClient(handler) { BaseAddress = Shop.Host.BaseUrl };

        // GET / is the operations console, whose header links the reference.
        using var root = await client.GetAsync("");
        Assert.Equal(HttpStatusCode.OK, root.StatusCode);
        Assert.Equal("text/html", root.Content.Headers.ContentType?.MediaType);
        var console = await root.Content.ReadAsStringAsync();
        Assert.Contains("href=\"reference\"", console, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", console, StringComparison.Ordinal);
        var page = await client.GetStringAsync("reference/");
        Assert.Contains("<script src=\"scalar.js\"></script>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", page, StringComparison.Ordinal); // no CDN: every asset comes from this host
        using var script = await client.GetAsync("reference/scalar.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
    }

    private async Task<(string Path, string Body)> ConfirmedOrderAsync()
    {
        var sku = ShopApi.NewSku("contract");
        await Shop.CreateProductAsync(sku, 2m, stock: 1);
        var orderId = await Shop.PlaceOrderAsync(ShopApi.Order(ShopApi.NewCustomer(), [(sku, 1)]));
        var order = await Shop.WaitForOutcomeAsync(orderId);
        Assert.Equal("Confirmed", order.Str("status"));
        Assert.Null(order.Prop("cancellationReason"));
        return ($"/api/orders/{orderId}", order.GetRawText());
    }

    private async Task<Dictionary<string, JsonObject>> DocumentsAsync()
    {
        var documents = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var name in ApiContract.Documents)
            documents[name] = JsonNode.Parse(await Shop.Http.GetStringAsync($"openapi/{name}.json"))!.AsObject();
        return documents;
    }
}
