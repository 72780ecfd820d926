using Microsoft.Extensions.DependencyInjection;

namespace Orderly.ConsumerPipeline;

/// <summary>Calls the typed handler of one binding with an untyped message; made once per binding, so no reflection per message.</summary>
internal abstract class HandlerInvoker
{
    public static HandlerInvoker For(ConsumerBinding binding) =>
        (HandlerInvoker)Activator.CreateInstance(typeof(HandlerInvoker<>).MakeGenericType(binding.Message.ClrType), binding)!;

    /// <summary>Resolves the handler in <paramref name="services"/> (the message's scope) and returns its partition and a call to run it.</summary>
    public abstract (string PartitionKey, Func<MessageContext, CancellationToken, Task> Handle) Prepare(IServiceProvider services, object message);
}

internal sealed class HandlerInvoker<TMessage>(ConsumerBinding binding) : HandlerInvoker
    where TMessage : notnull
{
    private readonly string _key = ConsumerRegistration.BindingKey(binding.Entity, binding.Message.Name);

    public override (string PartitionKey, Func<MessageContext, CancellationToken, Task> Handle) Prepare(IServiceProvider services, object message)
    {
        var handler = services.GetRequiredKeyedService<IMessageHandler<TMessage>>(_key);
        var typed = (TMessage)message;
        return (handler.PartitionKeyFor(typed), (context, ct) => handler.HandleAsync(typed, context, ct));
    }
}
