namespace Orderly.Inventory.Persistence;

/// <summary>An aggregate with the ETag it was read at; the write back must match it.</summary>
public sealed record Loaded<T>(T Value, string ETag);
