using Microsoft.AspNetCore.Http.HttpResults;
using Orderly.Hosting.Access;
using Orderly.Hosting.Http;

namespace Orderly.LocalHost.Faults;

/// <summary>
/// What <c>POST /api/admin/faults</c> takes: a fault, and the seconds of its window, the count of malformed messages, or the SKU
/// whose next ReserveStock command goes out malformed.
/// </summary>
public sealed record FaultRequest(string Fault, int? Seconds, int? Count, string? Sku);

/// <summary>What <c>POST /api/admin/faults</c> answers: the fault, until when its window is open (null for a flood), how many messages were sent.</summary>
public sealed record FaultInjected(string Fault, DateTimeOffset? OpenUntil, int? Sent);

/// <summary>
/// <c>POST /api/admin/faults</c>, the fault suite's way in from outside the process: operators only, and mapped only when
/// <c>LocalHost__FaultInjection=true</c> (the banner says so); a host without the setting answers 404.
/// </summary>
public static class FaultEndpoints
{
    public static readonly ApiRoute Route = new("InjectFault", "POST", "/api/admin/faults", RoutePolicy.For(Roles.Operator).WithBody(1024));

    /// <summary>The longest window one call opens.</summary>
    public const int MaxSeconds = 600;

    /// <summary>The most malformed messages one call sends.</summary>
    public const int MaxMessages = 100_000;

    /// <summary>The longest SKU a malformed command is armed for (the catalog's own limit is shorter).</summary>
    public const int MaxSkuLength = 100;

    public static IEndpointRouteBuilder MapFaultInjection(this IEndpointRouteBuilder routes, bool enabled)
    {
        if (!enabled) return routes;
        routes.MapApi(Route, Inject).WithTags("admin")
            .WithSummary($"Fault injection (LocalHost__FaultInjection=true only): {{ fault, seconds }} opens a window of " +
                $"{string.Join(", ", FaultKinds.Windows)} for 0–{MaxSeconds} s (0 shuts it); " +
                $"{{ fault: \"{FaultKinds.MalformedMessages}\", count }} sends 1–{MaxMessages} malformed messages round the command queues; " +
                $"{{ fault: \"{FaultKinds.MalformedCommand}\", sku }} sends the next ReserveStock naming the SKU without its quantities.")
            .Accepts<FaultRequest>("application/json")
            .Produces<FaultInjected>().ProducesValidationProblem();
        return routes;
    }

    public static async Task<Results<Ok<FaultInjected>, ValidationProblem, ProblemHttpResult>> Inject(
        HttpRequest request, FaultInjection faults, CancellationToken cancellationToken)
    {
        using var body = await JsonBody.ReadObjectAsync(request, cancellationToken);
        if (body.Refusal is { } refused) return refused;
        var fields = body.Fields;
        var fault = fields.Code(body.Root, "fault", f => FaultKinds.All.Contains(f), $"fault must be one of: {string.Join(", ", FaultKinds.All)}.");
        if (fault == FaultKinds.MalformedMessages)
        {
            var count = fields.Int(body.Root, "count", 1, MaxMessages);
            if (fields.Errors.Any || count is null) return fields.Errors.ToProblem("The fault is not valid.");
            var sent = await faults.SendMalformedAsync(count.Value, cancellationToken);
            return TypedResults.Ok(new FaultInjected(fault, null, sent));
        }
        if (fault == FaultKinds.MalformedCommand)
        {
            var sku = fields.Text(body.Root, "sku", MaxSkuLength);
            if (fields.Errors.Any || sku is null) return fields.Errors.ToProblem("The fault is not valid.");
            faults.CorruptNextReserveStock(sku);
            return TypedResults.Ok(new FaultInjected(fault, null, null));
        }
        var seconds = fields.Int(body.Root, "seconds", 0, MaxSeconds);
        if (fields.Errors.Any || fault is null || seconds is null) return fields.Errors.ToProblem("The fault is not valid.");
        var until = faults.Open(fault, TimeSpan.FromSeconds(seconds.Value));
        return TypedResults.Ok(new FaultInjected(fault, until, null));
    }
}
