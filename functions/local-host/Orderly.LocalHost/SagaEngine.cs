using Orderly.Checkout.Saga;
using Orderly.Messaging;
using Orderly.Orchestrations.Durable.AzureStorage;
using Orderly.Orchestrations.Embedded;
using Orderly.Embedded;
using Orderly.Settings;

namespace Orderly.LocalHost;

/// <summary>
/// Which engine runs the checkout saga (<c>Sagas:Engine</c>): <c>Embedded</c> (the default: the SQLite runner, nothing else to
/// start) or <c>AzureStorage</c> (the Durable Task Framework on its Azure Storage backend, as in Azure and under
/// <c>func start</c>; on Azurite unless <c>Sagas:AzureStorage:ConnectionString</c> names an account).
/// </summary>
public static class SagaEngine
{
    public const string Section = "Sagas";
    public const string Embedded = "Embedded";
    public const string AzureStorage = "AzureStorage";

    /// <summary>Registers the chosen engine; an unknown name stops the host at start, naming the setting.</summary>
    /// <param name="sentInTurn">Told of the commands the checkout saga sent inside its turns (the host counts them as sends).</param>
    public static string AddSagaEngine(this IServiceCollection services, IConfiguration configuration, SqliteDatabase database, string dataPath,
        Action<IReadOnlyList<OutgoingMessage>> sentInTurn)
    {
        var sagas = configuration.GetSection(Section);
        var engine = sagas.ReadChoice("Engine", Embedded, Embedded, AzureStorage);
        if (engine == Embedded)
        {
            var read = new EmbeddedSagaRunnerOptions();
            var maxConcurrentSagas = sagas.ReadInt(nameof(read.MaxConcurrentSagas), read.MaxConcurrentSagas, least: 1);
            var journalRetention = sagas.ReadDuration(nameof(read.FinishedJournalRetention), read.FinishedJournalRetention, least: TimeSpan.FromSeconds(1));
            services.AddEmbeddedSagaRunner(_ => database, o =>
            {
                o.MaxConcurrentSagas = maxConcurrentSagas;
                o.FinishedJournalRetention = journalRetention;
                o.SentInTurn = sentInTurn;
            });
            // The checkout's one step only sends a command: the runner sends it in the journal write of the turn that asks
            // for it, instead of in a unit of its own followed by a second turn to journal that it was sent.
            services.AddSagaSendStep<CheckoutCommand, string>(SendCheckoutCommand.Name,
                (sp, command) => (command.MessageId, [sp.GetRequiredService<SendCheckoutCommand>().Message(command)]));
            return Embedded;
        }

        var azureStorage = $"{Section}:{AzureStorage}";
        var options = new AzureStorageSagaOptions { TaskHub = TaskHubOf(dataPath) };
        configuration.GetSection(azureStorage).Bind(options);
        services.AddAzureStorageSagaRuntime(options, azureStorage);
        // The engine logs every queue it creates and lease it renews at Information; configuration can turn them back on.
        if (configuration["Logging:LogLevel:DurableTask"] is null)
            services.AddLogging(logging => logging.AddFilter("DurableTask", LogLevel.Warning));
        return AzureStorage;
    }

    /// <summary>
    /// The task hub of this data folder: named once, on the first start with this engine, and kept in the folder. A restart
    /// resumes its sagas; a new (or deleted) data folder gets a new hub, so sagas of orders that no longer exist never resume.
    /// </summary>
    private static string TaskHubOf(string dataPath)
    {
        var file = Path.Combine(dataPath, "task-hub.txt");
        if (File.Exists(file) && File.ReadAllText(file).Trim() is { Length: > 0 } kept) return kept;
        var hub = "orderly" + Guid.NewGuid().ToString("N")[..10];
        File.WriteAllText(file, hub + Environment.NewLine);
        return hub;
    }

    /// <summary>One line for the start banner: the engine and where its state lives.</summary>
    public static string Describe(IServiceProvider services) => services.GetService<TaskHubSagaWorker>() is { } worker
        ? $"Durable Task on Azure Storage, task hub {worker.TaskHub} (Sagas__Engine={AzureStorage})"
        : $"embedded runner, in the SQLite file (Sagas__Engine={Embedded})";
}
