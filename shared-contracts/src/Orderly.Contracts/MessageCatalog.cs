using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orderly.Contracts;

/// <summary>One contract of the catalog: its type name, kind and C# type.</summary>
public sealed record MessageDefinition(string Name, MessageKind Kind, Type ClrType)
{
    /// <summary>The context that owns the contract (<c>orders</c> in <c>orderly.orders.order-placed.v1</c>).</summary>
    public string Context => Name.Split('.')[1];

    /// <summary>The file name of the contract's JSON Schema under <c>shared-contracts/schemas</c>.</summary>
    public string SchemaFile => $"{Name}.schema.json";
}

/// <summary>Every v1 contract, found by its <see cref="MessageTypeAttribute"/>; the single source for type names.</summary>
public static class MessageCatalog
{
    /// <summary>The JSON settings every Orderly service uses for contract data: camelCase, required members enforced.</summary>
    public static readonly JsonSerializerOptions JsonOptions = CreateJsonOptions();

    private static readonly FrozenDictionary<string, MessageDefinition> ByName;
    private static readonly FrozenDictionary<Type, MessageDefinition> ByType;

    static MessageCatalog()
    {
        var all = typeof(MessageCatalog).Assembly.GetTypes()
            .Select(t => (Type: t, Attr: t.GetCustomAttribute<MessageTypeAttribute>()))
            .Where(x => x.Attr is not null)
            .Select(x => new MessageDefinition(x.Attr!.Name, x.Attr.Kind, x.Type))
            .OrderBy(d => d.Name, StringComparer.Ordinal)
            .ToList();
        All = all;
        ByName = all.ToFrozenDictionary(d => d.Name, StringComparer.Ordinal);
        ByType = all.ToFrozenDictionary(d => d.ClrType);
    }

    /// <summary>All contracts, ordered by type name.</summary>
    public static IReadOnlyList<MessageDefinition> All { get; }

    /// <summary>The contract with this CloudEvents type, or null when the type is unknown.</summary>
    public static MessageDefinition? Find(string typeName) => ByName.GetValueOrDefault(typeName);

    /// <summary>The contract of a C# message type; throws for a type that is not a contract.</summary>
    public static MessageDefinition For(Type clrType) =>
        ByType.TryGetValue(clrType, out var d)
            ? d
            : throw new ArgumentException($"{clrType.Name} is not an Orderly contract (no [MessageType]).", nameof(clrType));

    /// <summary>The contract of <typeparamref name="T"/>.</summary>
    public static MessageDefinition For<T>() => For(typeof(T));

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            // A missing required field or a null where the contract says non-null is a contract violation, not a default.
            RespectRequiredConstructorParameters = true,
            RespectNullableAnnotations = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip, // tolerant reader: newer minor fields are ignored
        };
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }
}
