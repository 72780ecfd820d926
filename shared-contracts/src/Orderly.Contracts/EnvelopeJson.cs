using System.Text.Json;

namespace Orderly.Contracts;

/// <summary>Reads and writes envelopes as CloudEvents 1.0 structured JSON, and the typed data inside them.</summary>
public static class EnvelopeJson
{
    /// <summary>Serializes an envelope as a CloudEvents JSON object.</summary>
    public static byte[] Serialize(Envelope e)
    {
        using var buffer = new MemoryStream(256 + e.Data.GetRawText().Length);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("specversion", Envelope.SpecVersion);
            w.WriteString("id", e.Id);
            w.WriteString("type", e.Type);
            w.WriteString("source", e.Source);
            w.WriteString("time", e.Time);
            if (e.Subject is not null) w.WriteString("subject", e.Subject);
            w.WriteString("datacontenttype", "application/json");
            w.WriteString("correlationid", e.CorrelationId);
            if (e.CausationId is not null) w.WriteString("causationid", e.CausationId);
            if (e.TraceParent is not null) w.WriteString("traceparent", e.TraceParent);
            if (e.ReplyTo is not null) w.WriteString("replyto", e.ReplyTo);
            w.WritePropertyName("data");
            e.Data.WriteTo(w);
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>Parses a CloudEvents JSON message; throws <see cref="ContractViolationException"/> naming what is wrong.</summary>
    public static Envelope Parse(ReadOnlySpan<byte> json)
    {
        JsonDocument doc;
        try
        {
            var reader = new Utf8JsonReader(json);
            doc = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            throw new ContractViolationException(ContractViolationReason.MalformedJson, ex.Message);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new ContractViolationException(ContractViolationReason.NotACloudEvent, "the message is not a JSON object");
            var specVersion = RequiredString(root, "specversion");
            if (specVersion != Envelope.SpecVersion)
                throw new ContractViolationException(ContractViolationReason.NotACloudEvent, $"specversion '{specVersion}' is not supported (expected 1.0)");
            if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
                throw new ContractViolationException(ContractViolationReason.NotACloudEvent, "attribute 'data' is missing or not an object");
            var timeText = RequiredString(root, "time");
            if (!DateTimeOffset.TryParse(timeText, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out var time))
                throw new ContractViolationException(ContractViolationReason.NotACloudEvent, "attribute 'time' is not an RFC 3339 timestamp");

            return new Envelope
            {
                Id = RequiredString(root, "id"),
                Type = RequiredString(root, "type"),
                Source = RequiredString(root, "source"),
                Time = time,
                Subject = OptionalString(root, "subject"),
                CorrelationId = RequiredString(root, "correlationid"),
                CausationId = OptionalString(root, "causationid"),
                TraceParent = OptionalString(root, "traceparent"),
                ReplyTo = OptionalString(root, "replyto"),
                Data = data.Clone(),
            };
        }
    }

    /// <summary>Reads the envelope's data as its contract; throws <see cref="ContractViolationException"/> for an unknown type or bad data.</summary>
    public static object ReadData(Envelope e)
    {
        var definition = Definition(e);
        var schemaErrors = ContractSchemas.Validate(definition, e.Data);
        if (schemaErrors.Count > 0)
            throw new ContractViolationException(ContractViolationReason.InvalidData, string.Join("; ", schemaErrors));
        return Deserialize(e, definition);
    }

    /// <summary>
    /// Reads the data of an envelope that <see cref="ReadData"/> accepted when it was received (a reply the consumer pipeline
    /// read before raising it to a saga), without checking its schema a second time; throws as <see cref="ReadData"/> when it
    /// does not deserialize as its contract.
    /// </summary>
    public static object ReadAcceptedData(Envelope e) => Deserialize(e, Definition(e));

    private static MessageDefinition Definition(Envelope e) =>
        MessageCatalog.Find(e.Type) ?? throw new ContractViolationException(ContractViolationReason.UnknownType, $"type '{e.Type}' is not in the catalog");

    private static object Deserialize(Envelope e, MessageDefinition definition)
    {
        try
        {
            return e.Data.Deserialize(definition.ClrType, MessageCatalog.JsonOptions)
                ?? throw new ContractViolationException(ContractViolationReason.InvalidData, "data is null");
        }
        catch (JsonException ex)
        {
            throw new ContractViolationException(ContractViolationReason.InvalidData, ex.Message);
        }
    }

    /// <summary>Builds an envelope around a contract message.</summary>
    public static Envelope Create<T>(T message, string id, string source, DateTimeOffset time, string correlationId,
        string? causationId = null, string? traceParent = null, string? replyTo = null, string? subject = null)
        where T : notnull
    {
        var definition = MessageCatalog.For(message.GetType());
        return new Envelope
        {
            Id = id,
            Type = definition.Name,
            Source = source,
            Time = time,
            Subject = subject,
            CorrelationId = correlationId,
            CausationId = causationId,
            TraceParent = traceParent,
            ReplyTo = replyTo,
            Data = JsonSerializer.SerializeToElement(message, message.GetType(), MessageCatalog.JsonOptions),
        };
    }

    private static string RequiredString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s
            ? s
            : throw new ContractViolationException(ContractViolationReason.NotACloudEvent, $"attribute '{name}' is missing or empty");

    private static string? OptionalString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
