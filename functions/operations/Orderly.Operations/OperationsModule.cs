using Orderly.Contracts;
using Orderly.Hosting.Access;
using Orderly.Hosting.DeadLetters;
using Orderly.Messaging;

namespace Orderly.Operations;

/// <summary>The operations context: the console an operator opens, and dead-letter triage over every entity of the topology.</summary>
public static class OperationsModule
{
    public const string Name = "operations";

    /// <summary>
    /// Every entity whose dead letters are triaged: each queue and each topic subscription of the topology (a topic itself keeps
    /// none; a message that cannot be delivered is dead-lettered in the subscription that received it).
    /// </summary>
    public static IReadOnlyList<string> DeadLetterEntities { get; } =
        [.. Destinations.Queues, .. Destinations.Subscriptions.Select(s => EntityPath.Subscription(s.Topic, s.Subscription))];

    /// <summary>
    /// The operations app's route table. Its host serves from the root (host.json <c>routePrefix: ""</c>), so each pattern is
    /// the whole path: the console at <c>/</c> and the dead-letter routes at the same <c>/api/admin/dead-letters</c> paths
    /// and names as the local host's (<see cref="DeadLetterEndpoints"/>).
    /// </summary>
    public static class Routes
    {
        // The page and its files hold no data: the page signs in and asks the API, whose routes are the operator's.
        public static readonly ApiRoute ConsolePage = new(nameof(ConsolePage), "GET", "/", RoutePolicy.Anyone);
        public static readonly ApiRoute ConsoleConfig = new(nameof(ConsoleConfig), "GET", "/console/config.json", RoutePolicy.Anyone);
        public static readonly ApiRoute ConsoleFile = new(nameof(ConsoleFile), "GET", "/{*path}", RoutePolicy.Anyone);

        private static readonly RoutePolicy Operator = RoutePolicy.For(Roles.Operator);

        public static readonly ApiRoute ListDeadLetters = new(nameof(ListDeadLetters), "GET", "/api/admin/dead-letters", Operator);
        public static readonly ApiRoute ResubmitDeadLetters = new(nameof(ResubmitDeadLetters), "POST", "/api/admin/dead-letters/resubmit",
            Operator.WithBody(DeadLetterEndpoints.MaxBulkBodyBytes));
        public static readonly ApiRoute ShowDeadLetter = new(nameof(ShowDeadLetter), "GET", "/api/admin/dead-letters/{id}", Operator);
        public static readonly ApiRoute ResubmitDeadLetter = new(nameof(ResubmitDeadLetter), "POST", "/api/admin/dead-letters/{id}/resubmit",
            Operator.WithBody(DeadLetterEndpoints.MaxResubmitBytes));
        public static readonly ApiRoute IgnoreDeadLetter = new(nameof(IgnoreDeadLetter), "POST", "/api/admin/dead-letters/{id}/ignore",
            Operator.WithBody(DeadLetterEndpoints.MaxIgnoreBytes));

        // The console's reads of the other apps (AppReads): the owning apps' paths, forwarded with the operator's token. Operator
        // here too, so a token without the role is refused before it leaves this app; the owning app then checks it again.
        public static readonly ApiRoute SearchOrders = new(nameof(SearchOrders), "GET", "/api/orders", Operator);
        public static readonly ApiRoute GetOrder = new(nameof(GetOrder), "GET", "/api/orders/{orderId}", Operator);
        public static readonly ApiRoute GetCustomerOrders = new(nameof(GetCustomerOrders), "GET", "/api/customers/{customerId}/orders", Operator);
        public static readonly ApiRoute GetCheckout = new(nameof(GetCheckout), "GET", "/api/checkout/{orderId}", Operator);
        /// <summary>One context's <c>/api/health</c> (this app's own stays at <c>/api/health</c>).</summary>
        public static readonly ApiRoute ContextHealth = new(nameof(ContextHealth), "GET", "/api/health/{context}", Operator);

        /// <summary>Each queue's and topic's depth, from Azure Monitor (the admin API would need Manage).</summary>
        public static readonly ApiRoute QueueDepths = new(nameof(QueueDepths), "GET", "/api/admin/queue-depths", Operator);

        /// <summary>The routes forwarded to another app.</summary>
        public static readonly IReadOnlyList<ApiRoute> Forwarded = [SearchOrders, GetOrder, GetCustomerOrders, GetCheckout, ContextHealth];

        public static readonly IReadOnlyList<ApiRoute> All =
            [ConsolePage, ConsoleConfig, ConsoleFile, ListDeadLetters, ResubmitDeadLetters, ShowDeadLetter, ResubmitDeadLetter, IgnoreDeadLetter,
             QueueDepths, .. Forwarded];
    }
}
