namespace Orderly.Hosting.Access;

/// <summary>The roles a token can carry (ORDERLY.md "Identity and access"): Entra ID app roles in Azure, dev tokens locally.</summary>
public static class Roles
{
    /// <summary>Places orders for themself and reads their own orders, checkouts and notifications; the subject is the customer id.</summary>
    public const string Customer = "customer";

    /// <summary>Creates and changes products and prices, adjusts stock.</summary>
    public const string ShopAdmin = "shop-admin";

    /// <summary>Reads everything, triages dead letters, sees stats and detailed health.</summary>
    public const string Operator = "operator";

    /// <summary>Every role there is.</summary>
    public static readonly IReadOnlyList<string> All = [Customer, ShopAdmin, Operator];
}
