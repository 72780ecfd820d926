using Azure.Messaging.ServiceBus;

namespace Orderly.Messaging.ServiceBus.Tests;

/// <summary>
/// A client for a namespace that is never reached: the SDK connects on first use, and these tests stop before the broker.
/// A test that did reach it would fail against the loopback address, never leave the machine.
/// </summary>
internal static class Namespace
{
    public const string Unreached = "Endpoint=sb://127.0.0.1;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=unused;UseDevelopmentEmulator=true;";

    public static ServiceBusSenders Senders() => new(new ServiceBusClient(Unreached));
}
