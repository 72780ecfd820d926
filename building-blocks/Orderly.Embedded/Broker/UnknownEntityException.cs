namespace Orderly.Embedded.Broker;

/// <summary>A send to, or receive from, a queue, topic or subscription the broker's topology does not declare.</summary>
public sealed class UnknownEntityException(string entity, string detail)
    : InvalidOperationException($"'{entity}' {detail}")
{
    /// <summary>The entity path that was asked for.</summary>
    public string Entity { get; } = entity;
}
