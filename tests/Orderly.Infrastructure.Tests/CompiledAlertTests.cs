using Orderly.Checkout.Saga;
using Orderly.Infrastructure.Tests.Arm;

namespace Orderly.Infrastructure.Tests;

/// <summary>The alerts of the compiled template reach a person: each notifies an action group the template deploys, which has receivers.</summary>
public sealed class CompiledAlertTests
{
    private static readonly string[] ReceiverKinds = ["armRoleReceivers", "emailReceivers"];

    private static ArmDeployment Deployment => CompiledTemplate.Deployment;

    [CompiledFact]
    public void Every_alert_notifies_an_enabled_action_group_with_receivers()
    {
        var groups = Deployment.OfType("Microsoft.Insights/actionGroups").ToDictionary(g => g.Id, StringComparer.OrdinalIgnoreCase);
        var metricAlerts = Deployment.OfType("Microsoft.Insights/metricAlerts").ToList();
        var logAlerts = Deployment.OfType("Microsoft.Insights/scheduledQueryRules").ToList();
        Assert.NotEmpty(metricAlerts);
        Assert.NotEmpty(logAlerts);

        var notified = metricAlerts
            .Select(a => (a, ((List<object?>)a.At("properties.actions")!).Select(x => (string)ArmFunctions.Property(x, "actionGroupId")!).ToList()))
            .Concat(logAlerts.Select(a => (a, ((List<object?>)a.At("properties.actions.actionGroups")!).Cast<string>().ToList())));
        foreach (var (alert, actionGroups) in notified)
        {
            Assert.True(Equals(alert.At("properties.enabled"), true), $"{alert} is disabled");
            Assert.NotEmpty(actionGroups);
            Assert.All(actionGroups, id =>
            {
                Assert.True(groups.TryGetValue(id, out var group), $"{alert} notifies {id}, which the template does not deploy");
                Assert.Equal(true, group!.At("properties.enabled"));
                var receivers = ReceiverKinds.Sum(kind => group.Has($"properties.{kind}") ? ((List<object?>)group.At($"properties.{kind}")!).Count : 0);
                Assert.True(receivers > 0, $"{group} has no receiver");
            });
        }
    }

    [CompiledFact]
    public void An_on_call_address_given_to_azd_gets_every_alert_too()
    {
        var parameters = CompiledTemplate.Parameters();
        parameters["alertEmail"] = "on-call@contoso.example";
        var group = Assert.Single(CompiledTemplate.Deploy(parameters).OfType("Microsoft.Insights/actionGroups"));
        var email = Assert.Single((List<object?>)group.At("properties.emailReceivers")!);
        Assert.Equal("on-call@contoso.example", ArmFunctions.Property(email, "emailAddress"));
    }

    /// <summary>
    /// The Azure Monitor OpenTelemetry exporter writes a log's EventId name to the trace's customDimensions.EventName and
    /// the formatted text to message (azure-sdk-for-net, Azure.Monitor.OpenTelemetry.Exporter LogsHelper.GetMessageAndSetProperties);
    /// the saga's Critical line names the failure in its EventId, not in its text, so only EventName can find it.
    /// </summary>
    [CompiledFact]
    public void The_failed_saga_alert_queries_the_event_name_the_exporter_writes()
    {
        var rule = Assert.Single(Deployment.OfType("Microsoft.Insights/scheduledQueryRules"), r => r.Name == "checkout-saga-failed");
        var query = (string)ArmFunctions.Property(Assert.Single((List<object?>)rule.At("properties.criteria.allOf")!), "query")!;
        Assert.Contains($"tostring(customDimensions.EventName) == \"{CheckoutSaga.SagaFailedEvent.Name}\"", query, StringComparison.Ordinal);
        Assert.StartsWith("traces", query, StringComparison.Ordinal);
        Assert.DoesNotContain("message has", query, StringComparison.Ordinal);
        // The App Insights resource the apps send to, whose classic traces table carries customDimensions.
        Assert.Equal(Assert.Single(Deployment.OfType("Microsoft.Insights/components")).Id, Assert.Single((List<object?>)rule.At("properties.scopes")!));
    }
}
