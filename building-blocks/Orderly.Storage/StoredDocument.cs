using System.Text.Json;

namespace Orderly.Storage;

/// <summary>A JSON document as the store holds it: identity, partition, kind, body and the version (ETag) to write against.</summary>
public sealed record StoredDocument(string Id, string PartitionKey, string Kind, JsonElement Body, string ETag)
{
    /// <summary>The body as <typeparamref name="T"/>, read with the store's JSON settings.</summary>
    public T As<T>() => Body.Deserialize<T>(DocumentJson.Options)
        ?? throw new InvalidOperationException($"Document {Id} in partition {PartitionKey} has a null body.");
}

/// <summary>The JSON settings documents are written with (camelCase, web defaults).</summary>
public static class DocumentJson
{
    public static readonly JsonSerializerOptions Options = CreateOptions();

    /// <summary>Serializes a value to a document body.</summary>
    public static JsonElement ToBody<T>(T value) => JsonSerializer.SerializeToElement(value, Options);

    private static JsonSerializerOptions CreateOptions()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }
}
