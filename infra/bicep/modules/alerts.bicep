// Alerts that need a person: a message in any dead-letter queue, and a checkout saga left Failed (a compensation
// that kept failing). Both only record an alert; attach an action group to page someone.
param location string
param tags object
param serviceBusNamespaceName string
param appInsightsName string

// Every queue and subscription that can hold dead letters (subscriptions report under their topic's EntityName).
var entities = [ 'orders-commands', 'inventory-commands', 'payments-commands', 'shipping-commands', 'checkout-replies', 'orders-events', 'inventory-events' ]

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusNamespaceName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource deadLetters 'Microsoft.Insights/metricAlerts@2018-03-01' = [for entity in entities: {
  name: 'dead-letters-${entity}'
  location: 'global'
  tags: tags
  properties: {
    description: 'A message was dead-lettered on ${entity}: triage it (list, resubmit after a fix, or mark ignored).'
    severity: 2
    enabled: true
    scopes: [ namespace.id ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'dead-lettered'
          metricNamespace: 'Microsoft.ServiceBus/namespaces'
          metricName: 'DeadletteredMessages'
          dimensions: [ { name: 'EntityName', operator: 'Include', values: [ entity ] } ]
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Maximum'
        }
      ]
    }
  }
}]

resource sagaFailed 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = {
  name: 'checkout-saga-failed'
  location: location
  tags: tags
  properties: {
    description: 'A checkout saga ended Failed: a compensation kept failing and the order needs a person.'
    severity: 1
    enabled: true
    scopes: [ appInsights.id ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    criteria: {
      allOf: [
        {
          query: 'union traces, customEvents | where message has "CheckoutSagaFailed" or name == "CheckoutSagaFailed"'
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
  }
}
