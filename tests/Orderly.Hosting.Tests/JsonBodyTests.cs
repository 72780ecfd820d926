using System.Net;
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

/// <summary>The one JSON body reader: what it refuses, and the field it names when it does.</summary>
public sealed class JsonBodyTests : IAsyncLifetime
{
    private WebApplication _app = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddProblemDetails();
        builder.Services.AddAccessGate(_ => new TestTokens().Validator());
        _app = builder.Build();
        _app.UseAccessGate();
        _app.MapApi(new ApiRoute("Read", "POST", "/read", RoutePolicy.Anyone.WithBody(2048)), async (HttpRequest request) =>
        {
            using var body = await JsonBody.ReadObjectAsync(request, request.HttpContext.RequestAborted);
            if (body.Refusal is { } refusal) return (IResult)refusal;
            var fields = body.Fields;
            var name = fields.Text(body.Root, "name", 10);
            var count = fields.Int(body.Root, "count", -5, 5, required: false);
            var price = fields.Decimal(body.Root, "price", 0m, 100m, required: false);
            return fields.Errors.Any ? fields.Errors.ToProblem() : TypedResults.Ok(new { name, count, price });
        });
        await _app.StartAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<(HttpStatusCode Status, string[] Fields)> PostAsync(byte[] body, string contentType = "application/json")
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        using var response = await _app.GetTestClient().PostAsync("/read", content);
        var text = await response.Content.ReadAsStringAsync();
        var fields = response.StatusCode == HttpStatusCode.BadRequest && JsonDocument.Parse(text).RootElement.TryGetProperty("errors", out var errors)
            ? errors.EnumerateObject().Select(p => p.Name).ToArray()
            : [];
        return (response.StatusCode, fields);
    }

    private static void Named((HttpStatusCode Status, string[] Fields) answer, string field)
    {
        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal([field], answer.Fields);
    }

    private Task<(HttpStatusCode Status, string[] Fields)> PostAsync(string json) => PostAsync(Encoding.UTF8.GetBytes(json));

    [Fact]
    public async Task A_good_body_is_read_field_by_field() => Assert.Equal(HttpStatusCode.OK, (await PostAsync("""{"name":"ada","count":-5,"price":99.5,"extra":true}""")).Status);

    [Theory]
    [InlineData("""{"name":"a","name":"b"}""", "name")]
    [InlineData("""{"name":"a","inner":{"x":1,"x":2}}""", "inner.x")]
    [InlineData("""{"name":"a","list":[{"k":1},{"k":1,"k":2}]}""", "list[1].k")]
    public async Task A_property_twice_in_one_object_is_named(string json, string field) =>
        Named(await PostAsync(json), field);

    [Theory]
    [InlineData("""{"name":"\ud800"}""", "name")]
    [InlineData("""{"name":"a","tags":["ok","\udfff x"]}""", "tags[1]")]
    public async Task A_lone_surrogate_is_named(string json, string field) =>
        Named(await PostAsync(json), field);

    [Fact]
    public async Task Invalid_utf8_is_a_400()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"name":"aXb"}""");
        bytes[Array.IndexOf(bytes, (byte)'X')] = 0xFF;
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(bytes)).Status);
    }

    [Theory]
    [InlineData("""{"count":2147483648,"name":"a"}""", "count")]
    [InlineData("""{"count":-2147483648,"name":"a"}""", "count")]
    [InlineData("""{"count":1.5,"name":"a"}""", "count")]
    [InlineData("""{"count":"3","name":"a"}""", "count")]
    [InlineData("""{"price":1e400,"name":"a"}""", "price")]
    [InlineData("""{"price":0,"name":"a"}""", "price")]
    [InlineData("""{"Name":"a"}""", "name")]
    [InlineData("""{"name":"a\u0007"}""", "name")]
    public async Task Every_number_is_range_checked_and_names_match_exactly(string json, string field) =>
        Named(await PostAsync(json), field);

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("\"text\"")]
    [InlineData("{ not json")]
    [InlineData("")]
    public async Task Anything_but_one_json_object_is_named_body(string json) =>
        Named(await PostAsync(json), "body");

    [Fact]
    public async Task Nesting_deeper_than_32_is_a_400() =>
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync("{\"a\":" + new string('[', 40) + new string(']', 40) + "}")).Status);

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/json; charset=latin1")]
    public async Task A_body_that_is_not_json_by_its_content_type_is_415(string contentType) =>
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await PostAsync(Encoding.UTF8.GetBytes("""{"name":"a"}"""), contentType)).Status);

    [Fact]
    public async Task A_json_suffix_media_type_is_json() =>
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Encoding.UTF8.GetBytes("""{"name":"a"}"""), "application/merge-patch+json")).Status);
}
