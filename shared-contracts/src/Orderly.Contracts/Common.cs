namespace Orderly.Contracts;

/// <summary>An amount of money in an ISO 4217 currency; decimal, never floating point.</summary>
public sealed record Money(decimal Amount, string Currency);

/// <summary>One line of an order: a quantity of one sku.</summary>
public sealed record OrderLine(string Sku, int Quantity);

/// <summary>A line with the unit price the inventory fixed when it reserved the stock.</summary>
public sealed record PricedLine(string Sku, int Quantity, decimal UnitPrice, string Currency);

/// <summary>Where an order ships to; country is ISO 3166-1 alpha-2.</summary>
public sealed record ShippingAddress(string Name, string Line1, string City, string PostalCode, string Country);
