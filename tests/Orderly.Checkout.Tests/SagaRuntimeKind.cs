namespace Orderly.Checkout.Tests;

/// <summary>The saga runtimes a shared suite runs on: the embedded runner of the one-process host, and the real Durable Task engine.</summary>
public enum SagaRuntimeKind
{
    /// <summary><c>EmbeddedSagaRunner</c> on a temporary SQLite file.</summary>
    Embedded,

    /// <summary>The Durable Task engine in process (<c>DurableTaskTestHost</c>: in-memory backend, no persistence) through the Durable adapter.</summary>
    DurableTask,
}
