namespace Orderly.Hosting.Access;

/// <summary>
/// What a route admits, declared on every route and checked before its endpoint runs: who may call it (anyone, or a token
/// with one of the roles), the largest body it reads, and whether calls are rate-limited per subject.
/// </summary>
public sealed record RoutePolicy
{
    /// <summary>The body limit of a route that declares none: enough for any command's few fields.</summary>
    public const int DefaultMaxBodyBytes = 4 * 1024;

    private RoutePolicy(bool anonymous, IReadOnlyList<string> roles)
    {
        AllowsAnonymous = anonymous;
        AllowedRoles = roles;
    }

    /// <summary>No token needed (a token that is sent is still checked, so a caller learns when theirs is bad).</summary>
    public static RoutePolicy Anyone { get; } = new(true, []);

    /// <summary>A valid token carrying at least one of <paramref name="roles"/>.</summary>
    public static RoutePolicy For(params string[] roles)
    {
        if (roles.Length == 0) throw new ArgumentException("Name at least one role; use RoutePolicy.Anyone for an open route.", nameof(roles));
        foreach (var role in roles)
            if (!Roles.All.Contains(role)) throw new ArgumentException($"'{role}' is not one of the roles: {string.Join(", ", Roles.All)}.", nameof(roles));
        return new(false, roles);
    }

    public bool AllowsAnonymous { get; }

    public IReadOnlyList<string> AllowedRoles { get; }

    /// <summary>The largest request body the route reads; a larger one is refused with 413 before it is buffered.</summary>
    public int MaxBodyBytes { get; init; } = DefaultMaxBodyBytes;

    /// <summary>The name of the per-subject rate limit the route counts against (see <see cref="SubjectRateLimits"/>), or null.</summary>
    public string? RateLimit { get; init; }

    /// <summary>This policy with a body limit of <paramref name="maxBytes"/>.</summary>
    public RoutePolicy WithBody(int maxBytes) =>
        maxBytes > 0 ? this with { MaxBodyBytes = maxBytes } : throw new ArgumentOutOfRangeException(nameof(maxBytes), maxBytes, "A body limit is at least 1 byte.");

    /// <summary>This policy, counting each call against the subject's <paramref name="limit"/>.</summary>
    public RoutePolicy RateLimited(string limit) => this with { RateLimit = limit };

    /// <summary>Who may call, as a reader of the route table says it: <c>anyone</c> or <c>customer | operator</c>.</summary>
    public override string ToString() => AllowsAnonymous ? "anyone" : string.Join(" | ", AllowedRoles);
}
