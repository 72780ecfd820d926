// Alerts that need a person: a message in any dead-letter queue, and a checkout saga left Failed (a compensation
// that kept failing). Every alert notifies the action group below, so none only waits in the portal.
param location string
param tags object
param serviceBusNamespaceName string
param appInsightsName string
@description('An on-call address that gets every alert besides the subscription\'s owners and monitoring contributors; empty: those only.')
param alertEmail string

// Built-in roles whose holders on the subscription the action group emails (ARM role receivers take built-in roles only).
var notifiedRoles = [
  { name: 'owners', id: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635' }
  { name: 'monitoring-contributors', id: '749f88d5-cbae-40b8-bcfc-e573ddc772fa' }
]

// Every queue and subscription that can hold dead letters (subscriptions report under their topic's EntityName).
var entities = [ 'orders-commands', 'inventory-commands', 'payments-commands', 'shipping-commands', 'checkout-replies', 'orders-events', 'inventory-events' ]

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusNamespaceName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource people 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: 'orderly-on-call'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'orderly'
    enabled: true
    armRoleReceivers: [for role in notifiedRoles: { name: role.name, roleId: role.id, useCommonAlertSchema: true }]
    emailReceivers: empty(alertEmail) ? [] : [ { name: 'on-call', emailAddress: alertEmail, useCommonAlertSchema: true } ]
  }
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
    actions: [ { actionGroupId: people.id } ]
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
          // The saga logs CheckoutSaga.SagaFailedEvent (EventId 5100 "CheckoutSagaFailed") at Critical; the Azure Monitor
          // OpenTelemetry exporter writes an EventId's name to customDimensions.EventName, not into the message text.
          query: 'traces | where tostring(customDimensions.EventName) == "CheckoutSagaFailed"'
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    actions: { actionGroups: [ people.id ] }
  }
}
