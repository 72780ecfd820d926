using Microsoft.DurableTask.Client;

namespace Orderly.Orchestrations.Durable;

/// <summary>
/// The Durable client of the current call, for hosts that hand one to each invocation (a Functions <c>[DurableClient]</c>
/// parameter) instead of registering it in DI. A trigger runs its call into the core through <see cref="RunAsync"/>, and
/// <see cref="DurableSagaClient"/> finds the client with <see cref="Current"/>.
/// </summary>
public static class DurableClientScope
{
    private static readonly AsyncLocal<DurableTaskClient?> Bound = new();

    /// <summary>The client of the call in progress; throws outside <see cref="RunAsync"/>, where there is none.</summary>
    public static DurableTaskClient Current => Bound.Value
        ?? throw new InvalidOperationException("No Durable client in scope: the trigger must run its call through DurableClientScope.RunAsync.");

    /// <summary>Runs <paramref name="call"/> with <paramref name="client"/> as <see cref="Current"/>.</summary>
    /// <remarks>The value is set inside this async method, so it flows into the call and is gone again when the method returns.</remarks>
    public static async Task RunAsync(DurableTaskClient client, Func<Task> call)
    {
        Bound.Value = client;
        await call().ConfigureAwait(false);
    }

    /// <inheritdoc cref="RunAsync(DurableTaskClient, Func{Task})"/>
    public static async Task<T> RunAsync<T>(DurableTaskClient client, Func<Task<T>> call)
    {
        Bound.Value = client;
        return await call().ConfigureAwait(false);
    }
}
