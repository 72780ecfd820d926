namespace Orderly.Messaging.Tests.Broker;

/// <summary>
/// The bus contract against a real Service Bus namespace. The Service Bus adapter (Orderly.Messaging.ServiceBus) has no
/// <see cref="IMessageReceiver"/>: in Azure the Functions trigger receives, so <see cref="MessageBusContract"/> has nothing to
/// run against there yet. With <c>ORDERLY_TEST_SERVICEBUS_NAMESPACE</c> set the fact fails, saying so, instead of silently passing.
/// </summary>
public sealed class ServiceBusContract
{
    [ServiceBusNamespaceFact]
    public void Service_Bus_namespace_passes_the_bus_contract() =>
        Assert.Fail($"{ServiceBusNamespaceFactAttribute.Variable} is set, but the Service Bus adapter has no IMessageReceiver to run " +
            "MessageBusContract with (the Functions trigger receives in Azure).");
}
