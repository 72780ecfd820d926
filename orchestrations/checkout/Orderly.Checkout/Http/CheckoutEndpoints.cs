using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Checkout.Saga;
using Orderly.Orchestrations;

namespace Orderly.Checkout.Http;

/// <summary>The checkout's routes; the local host maps them and the Function App shell calls the same methods.</summary>
public static class CheckoutEndpoints
{
    /// <summary><c>GET /api/checkout/{orderId}</c>: the saga's status (steps, compensations, reason), or 404.</summary>
    public static async Task<IResult> GetCheckout(HttpRequest request, string orderId, CancellationToken cancellationToken)
    {
        var reader = request.HttpContext.RequestServices.GetRequiredService<ISagaStatusReader>();
        var instance = await reader.GetStatusAsync(orderId, cancellationToken).ConfigureAwait(false);
        if (instance is null)
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No checkout for this order",
                detail: $"No checkout saga exists for order '{orderId}'.");
        return TypedResults.Json(ToView(instance), SagaRegistration.JsonOptions);
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
