using System.Net.Http.Json;
using System.Text.Json;

namespace Orderly.EndToEnd.Support;

/// <summary>One operation of the shop's OpenAPI documents: its method, route, parameters, body and who may call it.</summary>
public sealed record ApiOperation(string Document, string Method, string Path, string Access, IReadOnlyList<ApiParameter> Parameters, bool HasBody)
{
    /// <summary>The roles <c>x-orderly-access</c> names ("customer | operator"); none for "anyone".</summary>
    public IReadOnlyList<string> Roles => IsAnonymous ? [] : Access.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    public bool IsAnonymous => Access == "anyone";

    public override string ToString() => $"{Method} {Path}";
}

/// <summary>A path or query parameter of an operation.</summary>
public sealed record ApiParameter(string Name, string In, bool Required);

/// <summary>Reads every operation from the OpenAPI documents the host serves (anonymously, as any client can).</summary>
public static class OpenApiOperations
{
    /// <summary>The documents the host serves, one per context and the operator's.</summary>
    public static readonly string[] Documents = ["orders", "inventory", "payments", "shipping", "notifications", "checkout", "admin"];

    /// <summary>The roles a token may carry.</summary>
    public static readonly string[] AllRoles = ["customer", "shop-admin", "operator"];

    public static async Task<IReadOnlyList<ApiOperation>> ReadAsync(HttpClient anonymous)
    {
        var operations = new List<ApiOperation>();
        foreach (var document in Documents)
        {
            var json = await anonymous.GetFromJsonAsync<JsonElement>($"openapi/{document}.json");
            foreach (var path in json.GetProperty("paths").EnumerateObject())
            foreach (var op in path.Value.EnumerateObject())
            {
                var parameters = op.Value.TryGetProperty("parameters", out var list)
                    ? list.EnumerateArray().Select(p => new ApiParameter(p.GetProperty("name").GetString()!, p.GetProperty("in").GetString()!,
                        p.TryGetProperty("required", out var r) && r.GetBoolean())).ToList()
                    : [];
                var access = op.Value.TryGetProperty("x-orderly-access", out var a) ? a.GetString()! : "";
                operations.Add(new ApiOperation(document, op.Name.ToUpperInvariant(), path.Name, access, parameters, op.Value.TryGetProperty("requestBody", out _)));
            }
        }
        return operations;
    }
}
