using System.Security.Claims;

namespace Orderly.Hosting.Access;

/// <summary>What an endpoint asks of its caller (the <see cref="ClaimsPrincipal"/> the access gate admitted).</summary>
public static class Caller
{
    /// <summary>The token's subject (a customer's id for a customer), or null for an anonymous caller.</summary>
    public static string? SubjectOf(this ClaimsPrincipal caller) =>
        caller.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name } ? name : null;

    /// <summary>Whether the caller is an operator, who may read everything.</summary>
    public static bool IsOperator(this ClaimsPrincipal caller) => caller.SubjectOf() is not null && caller.IsInRole(Roles.Operator);

    /// <summary>Whether the caller may see what belongs to <paramref name="customerId"/>: that customer, or an operator.</summary>
    public static bool MaySee(this ClaimsPrincipal caller, string customerId) =>
        caller.IsOperator() || (caller.IsInRole(Roles.Customer) && string.Equals(caller.SubjectOf(), customerId, StringComparison.Ordinal));
}
