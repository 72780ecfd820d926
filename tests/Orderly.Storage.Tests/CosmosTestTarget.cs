using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace Orderly.Storage.Tests;

/// <summary>
/// What the Cosmos DB contract tests run against: the endpoint in <c>ORDERLY_TEST_COSMOS_ENDPOINT</c> when it is set (every
/// test), else a local @zeit/cosmosdb-server (tests/cosmosdb-server, installed by tests/run.sh) for the part of the protocol it
/// speaks, else nothing (every test skipped, saying why).
/// </summary>
public sealed class CosmosTestTarget
{
    public const string EndpointVariable = "ORDERLY_TEST_COSMOS_ENDPOINT";
    public const string KeyVariable = "ORDERLY_TEST_COSMOS_KEY";
    private const string Package = "@zeit/cosmosdb-server";

    private const string RealEndpoint = $"set {EndpointVariable} to run it against Cosmos DB";
    private const string NoBatch = $"{Package} has no TransactionalBatch (it answers the SDK's batch request with 500); {RealEndpoint}";
    private const string NoTtl = $"{Package} has no TTL expiry (nor TransactionalBatch); {RealEndpoint}";
    private const string NoCrossPartition = $"{Package} refuses a cross-partition query (400 'missing partition keys'); {RealEndpoint}";
    private const string MissingIs500 = $"{Package} answers 500, not 404, to a read of a missing item; {RealEndpoint}";

    /// <summary>The contract tests the local server cannot answer, each with the feature it lacks (checked by <c>The_local_server_still_lacks_what_the_skipped_tests_need</c>).</summary>
    private static readonly Dictionary<string, string> LocalServerCannotAnswer = new()
    {
        [nameof(DocumentStoreContract.Created_document_reads_back_replaces_and_deletes)] = MissingIs500,
        [nameof(DocumentStoreContract.Replace_or_delete_of_a_missing_document_is_not_found)] = MissingIs500,
        [nameof(DocumentStoreContract.A_failing_write_rolls_back_the_whole_batch)] = NoBatch,
        [nameof(DocumentStoreContract.A_stale_etag_in_a_batch_names_its_write_and_applies_nothing)] = NoBatch,
        [nameof(DocumentStoreContract.A_batch_of_100_writes_commits_and_one_of_101_is_refused_whole)] = NoBatch,
        [nameof(DocumentStoreContract.Batch_returns_new_etags_that_the_next_replace_accepts)] = NoBatch,
        [nameof(DocumentStoreContract.Expired_document_disappears_and_its_id_can_be_created_again)] = NoTtl,
        [nameof(ParkedOutboxContract.Parking_takes_the_record_out_of_the_outbox_and_keeps_it_in_its_partition_with_its_reason)] = NoBatch,
        [nameof(ParkedOutboxContract.Resubmitting_puts_the_record_back_into_the_outbox_under_its_message_id_once)] = NoBatch,
        [nameof(DocumentStoreContract.Listing_pages_through_every_partition_once_by_kind_and_body_field)] = NoCrossPartition,
        [nameof(DocumentStoreContract.Listing_by_status_pages_through_every_partition_and_a_change_of_status_shows_at_once)] = NoCrossPartition,
        [nameof(ParkedOutboxContract.Parked_records_are_listed_across_partitions_and_never_read_as_pending)] = NoCrossPartition,
        [nameof(ParkedOutboxContract.Ignoring_writes_the_note_at_the_records_etag_and_a_second_ignore_is_a_conflict)] = NoCrossPartition,
    };

    /// <summary>Tests that check the local server itself; they skip against a real endpoint.</summary>
    public static readonly HashSet<string> LocalServerOnly = [nameof(CosmosDocumentStoreTests.The_local_server_still_lacks_what_the_skipped_tests_need)];

    private static readonly Lazy<CosmosTestTarget> Detected = new(Detect);

    private CosmosTestTarget() { }

    public static CosmosTestTarget Current => Detected.Value;

    /// <summary>The real (or emulator) endpoint, when <c>ORDERLY_TEST_COSMOS_ENDPOINT</c> is set.</summary>
    public Uri? Endpoint { get; private init; }

    /// <summary>node and tests/cosmosdb-server/serve.js, when the local server is what the tests run against.</summary>
    public (string Node, string Script, string Certificate)? LocalServer { get; private init; }

    /// <summary>Why no test runs here, or null.</summary>
    public string? Unavailable { get; private init; }

    public string? SkipReason(string testName)
    {
        if (Unavailable is not null) return Unavailable;
        if (LocalServer is null) return LocalServerOnly.Contains(testName) ? $"checks {Package} itself; {EndpointVariable} is set" : null;
        return LocalServerCannotAnswer.GetValueOrDefault(testName);
    }

    private static CosmosTestTarget Detect()
    {
        var endpoint = Environment.GetEnvironmentVariable(EndpointVariable);
        if (!string.IsNullOrEmpty(endpoint)) return new CosmosTestTarget { Endpoint = new Uri(endpoint) };

        const string none = $"no Cosmos DB endpoint configured (set {EndpointVariable})";
        var folder = RepositoryRoot() is { } root ? Path.Combine(root, "tests", "cosmosdb-server") : null;
        var package = folder is null ? null : Path.Combine(folder, "node_modules", "@zeit", "cosmosdb-server");
        if (package is null || !File.Exists(Path.Combine(package, "package.json")))
            return new CosmosTestTarget { Unavailable = $"{none}, and {Package} is not installed (tests/run.sh installs it with npm in tests/cosmosdb-server)" };
        var node = FindOnPath(OperatingSystem.IsWindows() ? "node.exe" : "node");
        if (node is null)
            return new CosmosTestTarget { Unavailable = $"{none}, and node is not on PATH to run {Package}" };
        return new CosmosTestTarget { LocalServer = (node, Path.Combine(folder!, "serve.js"), Path.Combine(package, "cert.pem")) };
    }

    private static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Orderly.slnx"))) return dir.FullName;
        return null;
    }

    private static string? FindOnPath(string file) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, file)).FirstOrDefault(File.Exists);
}

/// <summary>On the Cosmos DB contract class: skips what <see cref="CosmosTestTarget.Current"/> cannot run, each test with its reason.</summary>
public sealed class CosmosTargetAttribute : ContractSkipAttribute
{
    public override string? SkipReason(string testName) => CosmosTestTarget.Current.SkipReason(testName);
}

/// <summary>
/// One running @zeit/cosmosdb-server: node on tests/cosmosdb-server/serve.js, on 127.0.0.1 and a port the OS picks. It serves
/// HTTPS with the self-signed certificate its package ships; <see cref="AcceptsCertificate"/> trusts exactly that certificate.
/// </summary>
public sealed partial class LocalCosmosServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly byte[] _certificate;

    private LocalCosmosServer(Process process, Uri endpoint, byte[] certificate)
    {
        _process = process;
        Endpoint = endpoint;
        _certificate = certificate;
    }

    public Uri Endpoint { get; }

    /// <summary>For <c>CosmosClientOptions.ServerCertificateCustomValidationCallback</c>: true only for the server's own certificate.</summary>
    public bool AcceptsCertificate(X509Certificate2? certificate) => certificate is not null && certificate.RawData.AsSpan().SequenceEqual(_certificate);

    public static async Task<LocalCosmosServer> StartAsync(string node, string script, string certificatePem)
    {
        using var pem = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(certificatePem));
        var certificate = pem.RawData;
        var start = new ProcessStartInfo(node, [script])
        {
            RedirectStandardInput = true, // serve.js exits when this closes: a crashed test host leaves no server behind
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(script)!,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {node} {script}");
        var port = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && Listening().Match(line) is { Success: true } m) port.TrySetResult(int.Parse(m.Groups[1].Value));
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } line && errors.Count < 50) errors.Enqueue(line); };
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => port.TrySetException(new InvalidOperationException(
            $"{script} exited with {process.ExitCode} before listening: {string.Join(Environment.NewLine, errors)}"));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var listening = await port.Task.WaitAsync(StartTimeout);
            return new LocalCosmosServer(process, new Uri($"https://127.0.0.1:{listening}/"), certificate);
        }
        catch
        {
            Stop(process);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Stop(_process);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private static void Stop(Process process)
    {
        try { if (!process.HasExited) process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { /* already gone */ }
    }

    [GeneratedRegex(@"^listening on (\d+)$")]
    private static partial Regex Listening();
}
