namespace Orderly.Benchmarks.Cost;

/// <summary>
/// The list prices a checkout's operations are priced at: pay-as-you-go, USD, East US, as docs/cost.md cites them (and dates
/// them). Change them here and in docs/cost.md together.
/// </summary>
public static class ListPrices
{
    public const string Stated = "pay-as-you-go list prices, USD, East US, as of 2025 (docs/cost.md cites each)";

    /// <summary>Cosmos DB serverless: per million request units.</summary>
    public const double CosmosServerlessPerMillionRu = 0.25;

    /// <summary>Cosmos DB provisioned throughput (manual, single region): per 100 RU/s per hour.</summary>
    public const double CosmosProvisionedPer100RuSecondHour = 0.008;

    /// <summary>Service Bus Standard: per million operations, 13M–100M a month (the first 13M are in the base charge).</summary>
    public const double ServiceBusStandardPerMillionOps = 0.80;

    /// <summary>Functions Flex Consumption, on demand: per GB-s of instance memory while executing, and per million executions.</summary>
    public const double FlexPerGbSecond = 0.000026;
    public const double FlexPerMillionExecutions = 0.40;

    /// <summary>Storage (general-purpose v2, LRS, hot): per 10,000 transactions, by service (queue and table operations alike; blob writes).</summary>
    public const double QueuePer10K = 0.004;
    public const double TablePer10K = 0.00036;
    public const double BlobPer10K = 0.05;
}
