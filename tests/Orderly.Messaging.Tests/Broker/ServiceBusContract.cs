namespace Orderly.Messaging.Tests.Broker;

/// <summary>
/// The bus contract against a real Service Bus namespace. The Service Bus adapter needs Azure.Messaging.ServiceBus, which only
/// the Azure shell projects reference; with <c>ORDERLY_TEST_SERVICEBUS_NAMESPACE</c> set, run <see cref="MessageBusContract"/>
/// from there. Here the fact reports the suite as skipped, with the reason, instead of silently passing.
/// </summary>
public sealed class ServiceBusContract
{
    [ServiceBusNamespaceFact]
    public void Service_Bus_namespace_passes_the_bus_contract() =>
        Assert.Fail($"{ServiceBusNamespaceFactAttribute.Variable} is set, but this test project cannot reference the Service Bus adapter; " +
            "run MessageBusContract from the Azure shell's test project against that namespace.");
}
