using DurableTask.Core;

namespace Orderly.Orchestrations.Durable.AzureStorage;

/// <summary>Makes a fresh orchestration or activity object for each work item (an orchestration shim holds one execution's state).</summary>
internal sealed class SagaObjectCreator<T> : ObjectCreator<T>
{
    private readonly Func<T> _create;

    public SagaObjectCreator(string name, Func<T> create)
    {
        Name = name;
        Version = string.Empty; // the client starts every saga without a version
        _create = create;
    }

    public override T Create() => _create();
}
