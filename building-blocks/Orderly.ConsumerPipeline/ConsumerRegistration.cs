using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orderly.Contracts;

namespace Orderly.ConsumerPipeline;

/// <summary>
/// That messages of one contract arriving on one entity (a queue, or <c>topic/subscriptions/name</c>) are handled by a handler
/// of one context, whose keyed <c>IDocumentStore</c> and <c>EnvelopeFactory</c> (key = context name) the pipeline uses.
/// </summary>
public sealed record ConsumerBinding(string ContextName, string Entity, MessageDefinition Message, Type HandlerType);

/// <summary>Registers message handlers for the consumer pipeline.</summary>
public static class ConsumerRegistration
{
    /// <summary>Handles <typeparamref name="TMessage"/> arriving on <paramref name="entity"/> with <typeparamref name="THandler"/> (scoped per message).</summary>
    public static IServiceCollection AddMessageHandler<TMessage, THandler>(this IServiceCollection services, string contextName, string entity)
        where TMessage : notnull
        where THandler : class, IMessageHandler<TMessage>
    {
        var binding = new ConsumerBinding(contextName, entity, MessageCatalog.For<TMessage>(), typeof(THandler));
        services.AddSingleton(binding);
        services.AddKeyedScoped<IMessageHandler<TMessage>, THandler>(BindingKey(entity, binding.Message.Name));
        return services;
    }

    /// <summary>
    /// Registers the <see cref="ConsumerPipeline"/> for every handler added with <see cref="AddMessageHandler{TMessage, THandler}"/>,
    /// with its retry options read from <c>Messaging:Consumer</c>. Refuses a setting that tries to rename an entity (<see cref="EntityNameSettings"/>).
    /// </summary>
    public static IServiceCollection AddConsumerPipeline(this IServiceCollection services, IConfiguration configuration)
    {
        EntityNameSettings.RefuseRenames(configuration);
        // Read now, so a bad value stops the host at start, not at the first message.
        services.TryAddSingleton(Options.Create(new ConsumerPipelineOptions().ReadFrom(configuration.GetSection(ConsumerPipelineOptions.Section))));
        services.TryAddSingleton<ConsumerPipeline>();
        return services;
    }

    /// <summary>The DI key under which the handler of a message type on an entity is registered.</summary>
    public static string BindingKey(string entity, string messageType) => $"{entity}|{messageType}";
}
