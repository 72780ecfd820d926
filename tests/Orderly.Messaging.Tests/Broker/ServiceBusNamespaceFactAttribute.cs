namespace Orderly.Messaging.Tests.Broker;

/// <summary>A fact that runs only when a real Service Bus namespace is configured for tests; otherwise it is reported skipped, saying why.</summary>
public sealed class ServiceBusNamespaceFactAttribute : FactAttribute
{
    public const string Variable = "ORDERLY_TEST_SERVICEBUS_NAMESPACE";

    public ServiceBusNamespaceFactAttribute()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(Variable)))
            Skip = $"{Variable} is not set: the bus contract ran against the embedded broker only";
    }
}
