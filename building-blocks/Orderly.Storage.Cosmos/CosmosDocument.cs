using System.Text.Json;
using Orderly.Storage;

namespace Orderly.Storage.Cosmos;

/// <summary>
/// The shape of a document in the container: <c>{ id, pk, kind, body, ttl? }</c> with partition key path <c>/pk</c>;
/// the aggregate's own JSON sits under <c>body</c>, so its field names never collide with Cosmos DB's (id, _etag, ttl).
/// </summary>
public static class CosmosDocument
{
    /// <summary>The container's partition key path.</summary>
    public const string PartitionKeyPath = "/pk";

    /// <summary>The item JSON for a write (UTF-8, as the stream APIs take it).</summary>
    public static MemoryStream ToItem(string partitionKey, DocumentWrite write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("id", write.Id);
            json.WriteString("pk", partitionKey);
            json.WriteString("kind", write.DocumentKind ?? throw new ArgumentException($"Write '{write.Id}' has no document kind."));
            json.WritePropertyName("body");
            (write.Body ?? throw new ArgumentException($"Write '{write.Id}' has no body.")).WriteTo(json);
            if (write.TimeToLiveSeconds is { } ttl) json.WriteNumber("ttl", ttl);
            json.WriteEndObject();
        }
        stream.Position = 0;
        return stream;
    }

    /// <summary>A stored document from an item as Cosmos DB returns it (with its system properties).</summary>
    public static StoredDocument FromItem(JsonElement item)
    {
        string Field(string name) => item.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()!
            : throw new FormatException($"Cosmos DB item has no string '{name}': not an Orderly document.");
        var body = item.TryGetProperty("body", out var b) ? b.Clone() : throw new FormatException("Cosmos DB item has no 'body': not an Orderly document.");
        return new StoredDocument(Field("id"), Field("pk"), Field("kind"), body, Field("_etag"));
    }

    /// <summary>A stored document from a point-read response body.</summary>
    public static async Task<StoredDocument> FromStreamAsync(Stream content, CancellationToken cancellationToken)
    {
        using var document = await JsonDocument.ParseAsync(content, cancellationToken: cancellationToken).ConfigureAwait(false);
        return FromItem(document.RootElement);
    }

    /// <summary>The documents of one query page (<c>{ "Documents": [ ... ] }</c>).</summary>
    public static async Task<List<StoredDocument>> FromQueryPageAsync(Stream content, CancellationToken cancellationToken)
    {
        using var page = await JsonDocument.ParseAsync(content, cancellationToken: cancellationToken).ConfigureAwait(false);
        var documents = new List<StoredDocument>();
        if (page.RootElement.TryGetProperty("Documents", out var items))
            foreach (var item in items.EnumerateArray()) documents.Add(FromItem(item));
        return documents;
    }
}
