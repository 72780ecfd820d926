using System.Text.Json;
using System.Text.Json.Nodes;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Orderly.Hosting.Access;
using Orderly.Checkout.Saga;
using Orderly.Orchestrations;

namespace Orderly.Checkout.Http;

/// <summary>The checkout's routes; the local host maps them and the Function App shell calls the same methods.</summary>
public static class CheckoutEndpoints
{
    /// <summary>
    /// <c>GET /api/checkout/{orderId}</c>: the saga's status (steps, compensations, reason), or 404 — also for another
    /// customer's order, so ids cannot be probed.
    /// </summary>
    public static async Task<Results<JsonHttpResult<JsonObject>, ProblemHttpResult>> GetCheckout(
        string orderId, ClaimsPrincipal caller, [FromServices] ISagaStatusReader reader, CancellationToken cancellationToken)
    {
        var instance = orderId.Length is 0 or > 128 ? null : await reader.GetStatusAsync(orderId, cancellationToken).ConfigureAwait(false);
        var view = instance is null ? null : ToView(instance);
        if (view is null || !caller.MaySee(view["customerId"]?.GetValue<string>() ?? ""))
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No checkout for this order",
                detail: $"No checkout saga exists for order '{orderId}'.");
        // Written by the host's JSON options, as every other answer is (the saga's own options escape '+' in times).
        return TypedResults.Json(view);
    }

    /// <summary>The custom status as the API shows it; a saga whose code crashed is Failed whatever it last said.</summary>
    public static JsonObject ToView(SagaInstanceStatus instance)
    {
        var view = instance.CustomStatus is { ValueKind: JsonValueKind.Object } custom
            ? JsonNode.Parse(custom.GetRawText())!.AsObject()
            : new JsonObject { ["orderId"] = instance.InstanceId, ["status"] = CheckoutStatus.Running, ["currentStep"] = null, ["steps"] = new JsonArray(), ["compensations"] = new JsonArray() };
        if (instance.RuntimeStatus == SagaRuntimeStatus.Failed)
        {
            view["status"] = CheckoutStatus.Failed;
            view["failure"] = instance.Failure;
        }
        return view;
    }
}
