using Microsoft.Extensions.Logging;
using Orderly.Messaging;
using Orderly.Storage;

namespace Orderly.Orders.Http;

/// <summary>What the orders endpoints need, injected as one parameter: the local host binds it, a Function takes it in its constructor.</summary>
public sealed record OrdersServices(IDocumentStore Store, EnvelopeFactory Envelopes, OrdersMessaging Messaging, ILogger<OrdersServices> Log);
