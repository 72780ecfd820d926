using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orderly.Messaging.Tracing;

namespace Orderly.LocalHost.Metrics;

/// <summary>
/// OpenTelemetry export of the local host, on only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set: spans of HTTP requests (ASP.NET
/// Core), the outbox relay, broker sends and receives, handlers and saga steps, and the Orderly meter, over OTLP (gRPC, or
/// HTTP/protobuf per <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>; the SDK reads the standard variables). Unset, nothing is registered:
/// the finer spans are not even made (docs/telemetry.md).
/// </summary>
public static class OtlpExport
{
    /// <summary>The variable that turns export on (the OpenTelemetry specification's own).</summary>
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The service name spans and metrics carry unless <c>OTEL_SERVICE_NAME</c> says otherwise.</summary>
    public const string DefaultServiceName = "orderly-local-host";

    /// <summary>Adds OTLP export when <see cref="EndpointVariable"/> is set; returns the endpoint, or null when export is off.</summary>
    public static string? AddOtlpExport(this WebApplicationBuilder builder)
    {
        var endpoint = builder.Configuration[EndpointVariable];
        if (string.IsNullOrWhiteSpace(endpoint)) return null;
        var serviceName = builder.Configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } named ? named : DefaultServiceName;
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithTracing(t => t
                .AddSource([.. OrderlyTelemetry.SourceNames])
                .AddAspNetCoreInstrumentation())
            .WithMetrics(m => m
                .AddMeter(OrderlyMetrics.MeterName)
                .AddAspNetCoreInstrumentation())
            .UseOtlpExporter();
        return endpoint;
    }
}
