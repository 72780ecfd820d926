namespace Orderly.Checkout.Tests;

/// <summary>The saga runtimes a shared suite runs on: the embedded runner of the one-process host, and the real Durable Task engine, in memory and on Azure Storage.</summary>
public enum SagaRuntimeKind
{
    /// <summary><c>EmbeddedSagaRunner</c> on a temporary SQLite file.</summary>
    Embedded,

    /// <summary>The Durable Task engine in process (<c>DurableTaskTestHost</c>: in-memory backend, no persistence) through the Durable adapter.</summary>
    DurableTask,

    /// <summary>The Durable Task Framework's worker on its Azure Storage backend, over Azurite (<c>TaskHubSagaWorker</c>): the backend Durable Functions uses.</summary>
    AzureStorage,
}
