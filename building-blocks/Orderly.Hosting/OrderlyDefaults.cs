using System.Diagnostics;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Orderly.Hosting.Logging;

namespace Orderly.Hosting;

/// <summary>
/// What every Orderly host shares, wired in one call so each Program.cs stays a few lines: configuration from the environment,
/// logs that carry the trace and correlation ids, problem details for every error, and health checks.
/// </summary>
public static class OrderlyDefaults
{
    /// <summary>The name of the activity source the Orderly hosts listen to (so an Activity, hence a trace id, always exists).</summary>
    public const string ActivitySourceName = Orderly.Messaging.Tracing.OrderlyTelemetry.SourceName;

    /// <summary>
    /// Adds environment configuration (last, so it wins over any file), trace-aware logging (<c>Logging:Format=json</c> for
    /// JSON lines, one compact text line per event otherwise: <see cref="CompactLogFormatter"/>), problem details and health checks.
    /// </summary>
    public static TBuilder AddOrderlyDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // 12-factor: the environment wins over any file, whatever the host builder added before.
        builder.Configuration.AddEnvironmentVariables();

        builder.Logging.Configure(o => o.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        builder.Logging.ClearProviders();
        // A line per request from the framework drowns the shop's own lines; configuration can turn them back on.
        if (builder.Configuration["Logging:LogLevel:Microsoft.AspNetCore"] is null)
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        if (WritesJsonLogs(builder.Configuration))
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                o.UseUtcTimestamp = true;
            });
        }
        else
        {
            builder.Logging.AddConsole(o => o.FormatterName = CompactLogFormatter.Name)
                .AddConsoleFormatter<CompactLogFormatter, ConsoleFormatterOptions>();
        }

        builder.Services.AddOrderlyHttpDefaults();
        ActivityListening.Ensure();
        return builder;
    }

    /// <summary>
    /// The HTTP answers every host shares, the Function Apps included (which keep the Functions worker's own logging): problem
    /// details carrying the trace and correlation ids, numbers read strictly, a store that is unavailable or throttling answered
    /// 503 with <c>Retry-After</c> (<see cref="Orderly.Hosting.Http.StoreUnavailableAnswer"/>, an <c>IExceptionHandler</c>), and health checks.
    /// </summary>
    public static IServiceCollection AddOrderlyHttpDefaults(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            // The trace id lets whoever reads the problem find the log lines of the failed call; never a stack trace.
            if (Activity.Current is { } activity) ctx.ProblemDetails.Extensions["traceId"] = activity.TraceId.ToString();
            if (CorrelationId.Of(ctx.HttpContext) is { } correlationId) ctx.ProblemDetails.Extensions["correlationId"] = correlationId;
        });
        // Numbers are numbers: the web defaults would also read "12" as 12, and the OpenAPI documents, generated from these options,
        // then typed every integer ["integer","string"]. No endpoint reads a body through the serializer (JsonBody does, strictly).
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict);
        services.AddExceptionHandler<Orderly.Hosting.Http.StoreUnavailableAnswer>();
        services.AddHealthChecks();
        return services;
    }

    /// <summary>
    /// Whether the logs are JSON lines (<c>Logging:Format=json</c>): then standard output holds nothing else, and whatever a host
    /// prints for people (a banner) goes to standard error.
    /// </summary>
    public static bool WritesJsonLogs(IConfiguration configuration) =>
        string.Equals(configuration["Logging:Format"], "json", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The HTTP pipeline every host shares: unhandled errors become 500 problem+json (logged with the trace id), unknown routes
    /// 404 problem+json, and the correlation id is taken from <c>X-Correlation-Id</c> (or made) and echoed back.
    /// </summary>
    public static WebApplication UseOrderlyDefaults(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<CorrelationMiddleware>();
        return app;
    }
}
