using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Text;

namespace Orderly.EndToEnd.Tests;

/// <summary>One exported span, as much of it as the tests read.</summary>
public sealed record ExportedSpan(string TraceId, string SpanId, string ParentSpanId, string Name, int Kind, string Scope,
    IReadOnlyDictionary<string, string> Attributes)
{
    /// <summary>OTLP's SPAN_KIND_SERVER.</summary>
    public const int Server = 2;

    public string? Attribute(string key) => Attributes.GetValueOrDefault(key);
}

/// <summary>
/// An OTLP/HTTP protobuf receiver on loopback, in memory: it takes <c>POST /v1/traces</c> and <c>/v1/metrics</c> as an OpenTelemetry
/// collector would, answers 200, and keeps the spans and metric names (decoded by hand: only the fields read here).
/// </summary>
public sealed class OtlpCollector : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _serving;
    private readonly ConcurrentQueue<ExportedSpan> _spans = new();
    private readonly ConcurrentDictionary<string, bool> _metricNames = new(StringComparer.Ordinal);

    private OtlpCollector(int port)
    {
        Endpoint = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(Endpoint + "/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    /// <summary>The base endpoint (what <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set to).</summary>
    public string Endpoint { get; }

    public IReadOnlyList<ExportedSpan> Spans => _spans.ToList();

    public IReadOnlyCollection<string> MetricNames => _metricNames.Keys.ToList();

    public static OtlpCollector Start()
    {
        using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new OtlpCollector(port);
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        try { await _serving; } catch (HttpListenerException) { } catch (ObjectDisposedException) { }
        _listener.Close();
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            using var body = new MemoryStream();
            var input = context.Request.Headers["Content-Encoding"] == "gzip"
                ? new GZipStream(context.Request.InputStream, CompressionMode.Decompress)
                : context.Request.InputStream;
            await input.CopyToAsync(body);
            var bytes = body.ToArray();
            switch (context.Request.Url?.AbsolutePath)
            {
                case "/v1/traces": ReadTraces(bytes); break;
                case "/v1/metrics": ReadMetrics(bytes); break;
            }
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    // ExportTraceServiceRequest.resource_spans(1) > ResourceSpans.scope_spans(2) > ScopeSpans.scope(1).name(1), .spans(2).
    private void ReadTraces(byte[] request)
    {
        foreach (var resourceSpans in Proto.Messages(request, 1))
        foreach (var scopeSpans in Proto.Messages(resourceSpans, 2))
        {
            var scope = Proto.Messages(scopeSpans, 1).Select(s => Proto.Text(s, 1)).FirstOrDefault() ?? "";
            foreach (var span in Proto.Messages(scopeSpans, 2))
            {
                var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var keyValue in Proto.Messages(span, 9))
                {
                    var value = Proto.Messages(keyValue, 2).FirstOrDefault();
                    attributes[Proto.Text(keyValue, 1) ?? ""] = value is null ? "" : Proto.Text(value, 1) ?? Proto.Varint(value, 3)?.ToString() ?? "";
                }
                _spans.Enqueue(new ExportedSpan(Proto.Hex(span, 1), Proto.Hex(span, 2), Proto.Hex(span, 4), Proto.Text(span, 5) ?? "",
                    (int)(Proto.Varint(span, 6) ?? 0), scope, attributes));
            }
        }
    }

    // ExportMetricsServiceRequest.resource_metrics(1) > ResourceMetrics.scope_metrics(2) > ScopeMetrics.metrics(2) > Metric.name(1).
    private void ReadMetrics(byte[] request)
    {
        foreach (var resourceMetrics in Proto.Messages(request, 1))
        foreach (var scopeMetrics in Proto.Messages(resourceMetrics, 2))
        foreach (var metric in Proto.Messages(scopeMetrics, 2))
            if (Proto.Text(metric, 1) is { } name) _metricNames[name] = true;
    }

    /// <summary>Just enough of the protobuf wire format: the fields of a message, by number.</summary>
    private static class Proto
    {
        public static IEnumerable<byte[]> Messages(byte[] message, int field) =>
            Fields(message).Where(f => f.Number == field && f.Bytes is not null).Select(f => f.Bytes!);

        public static string? Text(byte[] message, int field) =>
            Messages(message, field).Select(b => Encoding.UTF8.GetString(b)).FirstOrDefault();

        public static string Hex(byte[] message, int field) =>
            Messages(message, field).Select(Convert.ToHexStringLower).FirstOrDefault() ?? "";

        public static long? Varint(byte[] message, int field) =>
            Fields(message).Where(f => f.Number == field && f.Bytes is null).Select(f => (long?)f.Value).FirstOrDefault();

        private static List<(int Number, byte[]? Bytes, ulong Value)> Fields(byte[] message)
        {
            var fields = new List<(int, byte[]?, ulong)>();
            var i = 0;
            while (i < message.Length)
            {
                var key = ReadVarint(message, ref i);
                var number = (int)(key >> 3);
                switch (key & 7)
                {
                    case 0: fields.Add((number, null, ReadVarint(message, ref i))); break;
                    case 1: fields.Add((number, null, BitConverter.ToUInt64(message, i))); i += 8; break;
                    case 2:
                        var length = (int)ReadVarint(message, ref i);
                        fields.Add((number, message[i..(i + length)], 0));
                        i += length;
                        break;
                    case 5: fields.Add((number, null, BitConverter.ToUInt32(message, i))); i += 4; break;
                    default: throw new InvalidDataException($"Wire type {key & 7} is not expected in OTLP.");
                }
            }
            return fields;
        }

        private static ulong ReadVarint(byte[] bytes, ref int i)
        {
            ulong value = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = bytes[i++];
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80) return value;
            }
        }
    }
}
