using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orderly.Hosting.Logging;
using Orderly.Messaging.Tracing;

namespace Orderly.Hosting.Tests;

/// <summary>The text log reads as one short line per event, with the trace id once; a stack trace only for an error.</summary>
public sealed class CompactLogFormatterTests
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";

    private static string Write(LogLevel level, string category, string message, Exception? error = null)
    {
        var scopes = new LoggerExternalScopeProvider();
        using var request = scopes.Push(TraceLogScope.ForTrace(TraceId, "corr-1"));
        using var inner = scopes.Push(TraceLogScope.ForTrace(TraceId, "corr-1"));
        var entry = new LogEntry<string>(level, category, new EventId(1), message, error, (s, _) => s);
        using var text = new StringWriter();
        new CompactLogFormatter().Write(entry, scopes, text);
        return text.ToString();
    }

    private static Exception Thrown()
    {
        try
        {
            throw new TimeoutException("The payment provider did not answer within 00:00:02.");
        }
        catch (TimeoutException e)
        {
            return e;
        }
    }

    [Fact]
    public void A_retried_failure_is_one_line_with_its_cause_and_the_trace_id_once()
    {
        var line = Write(LogLevel.Warning, "Orderly.ConsumerPipeline.ConsumerPipeline", "Attempt 1 of authorize-payment failed; retrying in 180 ms", Thrown());

        Assert.Single(line.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(@"^\d\d:\d\d:\d\d\.\d{3} WARN pipeline +Attempt 1 of authorize-payment failed; retrying in 180 ms " +
            @"\(TimeoutException: The payment provider did not answer within 00:00:02\.\) trace=4bf92f3577b34da6a3ce929d0e0e4736\r?\n$", line);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(line, TraceId));
    }

    [Fact]
    public void An_error_keeps_its_stack_trace_for_whoever_has_to_fix_it()
    {
        var text = Write(LogLevel.Error, "Orderly.Payments.Handlers.AuthorizePaymentHandler", "Dead-lettered authorize-payment", Thrown());

        Assert.StartsWith("FAIL payments", text[13..], StringComparison.Ordinal);
        Assert.Contains("System.TimeoutException: The payment provider did not answer", text, StringComparison.Ordinal);
        Assert.Contains("   at ", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Orderly.Orders.Handlers.ConfirmOrderHandler", "orders")]
    [InlineData("Orderly.Checkout.Saga.CheckoutSaga", "checkout")]
    [InlineData("Orderly.Outbox.OutboxRelay", "outbox")]
    [InlineData("Orderly.Orchestrations.Embedded.EmbeddedSagaRunner", "sagas")]
    [InlineData("Microsoft.Hosting.Lifetime", "host")]
    [InlineData("DurableTask.AzureStorage", "durabletask")]
    public void Each_line_names_the_context_it_comes_from(string category, string context) =>
        Assert.Equal(context, CompactLogFormatter.ContextOf(category));
}
