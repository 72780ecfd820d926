// Service Bus Standard (duplicate detection and topics need Standard or above), keys disabled. The entity names are
// those of shared-contracts Destinations.cs; Orderly.Infrastructure.Tests fails if the two drift apart.
param location string
param tags object
param namespaceName string

// Deliveries before the broker dead-letters a message. The consumer pipeline dead-letters malformed messages at once
// and schedules backoff copies for transient failures, so this bounds only crashes and lock losses.
var maxDeliveryCount = 10
// Long enough for one handler run (a Cosmos batch and a few reads); the Functions host renews locks up to
// maxAutoLockRenewalDuration (host.json) for slower runs.
var lockDuration = 'PT1M'
// MessageId = outbox record id, so a relay that publishes a record twice within this window is deduplicated.
var duplicateWindow = 'PT10M'
var messageTtl = 'P14D'

var queues = [ 'orders-commands', 'inventory-commands', 'payments-commands', 'shipping-commands', 'checkout-replies' ]
var topics = [
  { name: 'orders-events', subscriptions: [ 'checkout', 'orders-read-model', 'notifications' ] }
  { name: 'inventory-events', subscriptions: [ 'inventory-availability' ] }
]
var subscriptions = flatten(map(topics, t => map(t.subscriptions, s => { topic: t.name, name: s })))
// The message types (the Subject the Service Bus adapter sets to the CloudEvents type) a subscription takes, as
// Destinations.cs declares them; a subscription not named here takes every message of its topic.
var filteredSubscriptions = [
  { topic: 'orders-events', name: 'checkout', takes: [ 'orderly.orders.order-placed.v1' ] }
]
// Each subscription's rule, from filteredSubscriptions; a subscription not there takes every message (1=1).
var subscriptionRules = map(subscriptions, s => {
  path: '${s.topic}/${s.name}'
  takes: flatten(map(filter(filteredSubscriptions, f => f.topic == s.topic && f.name == s.name), f => f.takes))
})

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: namespaceName
  location: location
  tags: tags
  sku: { name: 'Standard', tier: 'Standard' }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
  }
}

resource queueResources 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = [for name in queues: {
  parent: namespace
  name: name
  properties: {
    maxDeliveryCount: maxDeliveryCount
    lockDuration: lockDuration
    deadLetteringOnMessageExpiration: true
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: duplicateWindow
    defaultMessageTimeToLive: messageTtl
    requiresSession: false
  }
}]

resource topicResources 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' = [for topic in topics: {
  parent: namespace
  name: topic.name
  properties: {
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: duplicateWindow
    defaultMessageTimeToLive: messageTtl
  }
}]

resource subscriptionResources 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2024-01-01' = [for sub in subscriptions: {
  name: '${namespaceName}/${sub.topic}/${sub.name}'
  properties: {
    maxDeliveryCount: maxDeliveryCount
    lockDuration: lockDuration
    deadLetteringOnMessageExpiration: true
    deadLetteringOnFilterEvaluationExceptions: true
    defaultMessageTimeToLive: messageTtl
    requiresSession: false
  }
  dependsOn: [ topicResources ]
}]

// A subscription is created with the rule $Default (TrueFilter: every message), and a message is delivered when any rule
// matches, so a rule added beside it would filter nothing: the filter is written over $Default itself (a rule PUT creates
// or replaces). Every subscription's $Default is declared, so taking a filter away (back to 1=1) is a redeploy too. One
// type is a correlation filter on the label (the Subject), the cheapest match; more are one SQL filter.
resource subscriptionRuleResources 'Microsoft.ServiceBus/namespaces/topics/subscriptions/rules@2024-01-01' = [for rule in subscriptionRules: {
  name: '${namespaceName}/${rule.path}/$Default'
  properties: empty(rule.takes)
    ? { filterType: 'SqlFilter', sqlFilter: { sqlExpression: '1=1' } }
    : length(rule.takes) == 1
        ? { filterType: 'CorrelationFilter', correlationFilter: { label: rule.takes[0] } }
        : { filterType: 'SqlFilter', sqlFilter: { sqlExpression: 'sys.Label IN (${join(map(rule.takes, t => '\'${t}\''), ', ')})' } }
  dependsOn: [ subscriptionResources ]
}]

output name string = namespace.name
output id string = namespace.id
output queues string[] = queues
output topics string[] = map(topics, t => t.name)
// As topic/subscription, the form servicebus-access.bicep takes.
output subscriptions string[] = map(subscriptions, s => '${s.topic}/${s.name}')
