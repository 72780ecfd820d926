namespace Orderly.Infrastructure.Tests;

/// <summary>One app as main.bicep declares it: what it reads, where it sends, its container and its instance cap.</summary>
internal sealed record BicepApp(
    string Name,
    string Container,
    long MaximumInstanceCount,
    IReadOnlyList<string> ReceiveQueues,
    IReadOnlyList<string> ReceiveSubscriptions,
    IReadOnlyList<string> SendQueues,
    IReadOnlyList<string> SendTopics,
    IReadOnlyDictionary<string, object> Settings)
{
    public const string MainBicep = "infra/bicep/main.bicep";

    /// <summary>The <c>apps</c> variable of main.bicep, from which every app's resources and roles are made.</summary>
    public static IReadOnlyList<BicepApp> All()
    {
        var apps = (List<object>)BicepLiteral.Variable(Repository.Read(MainBicep), "apps");
        return apps.Cast<Dictionary<string, object>>().Select(a => new BicepApp(
            (string)a["name"],
            (string)a["container"],
            (long)a["maximumInstanceCount"],
            BicepLiteral.Strings(a["receiveQueues"]),
            BicepLiteral.Strings(a["receiveSubscriptions"]),
            BicepLiteral.Strings(a["sendQueues"]),
            BicepLiteral.Strings(a["sendTopics"]),
            (Dictionary<string, object>)a["settings"])).ToList();
    }

    /// <summary>
    /// The <c>operations</c> variable of main.bicep: the console and dead-letter triage app, made by the same module as the
    /// contexts' apps but outside <c>apps</c> (it consumes nothing; its Service Bus roles cover every entity's dead letters).
    /// </summary>
    public static BicepOperationsApp Operations()
    {
        var app = (Dictionary<string, object>)BicepLiteral.Variable(Repository.Read(MainBicep), "operations");
        return new((string)app["name"], (string)app["container"], (long)app["maximumInstanceCount"], BicepLiteral.Strings(app["anonymousPaths"]));
    }

    /// <summary>Every Function App main.bicep makes: the contexts', then the operations app.</summary>
    public static IReadOnlyList<string> AllNames() => [.. All().Select(a => a.Name), Operations().Name];
}

/// <summary>The operations app as main.bicep declares it.</summary>
internal sealed record BicepOperationsApp(string Name, string Container, long MaximumInstanceCount, IReadOnlyList<string> AnonymousPaths);
