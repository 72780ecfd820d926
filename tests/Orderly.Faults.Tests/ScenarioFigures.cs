using System.Globalization;
using Xunit.Abstractions;

namespace Orderly.Faults.Tests;

/// <summary>
/// One scenario's line of figures: orders, confirmed, cancelled by reason, stuck, lost, duplicated effects, recovery seconds
/// (from the fault's end until every order was final), sagas still in flight and whether the books balance.
/// </summary>
public sealed record ScenarioFigures(string Scenario, BooksReport Books, TimeSpan? Recovery, long SagasInFlight, string Extra = "")
{
    /// <summary>Where tests/run.sh collects the lines of a run (it prints them under "== Fault suite").</summary>
    public const string FileVariable = "ORDERLY_FAULT_FIGURES";

    private static readonly Lock FileLock = new();

    public string Line
    {
        get
        {
            var recovery = Recovery is { } r ? r.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) + " s" : "never";
            var books = Books.Balance ? "books balance" : "BOOKS DO NOT BALANCE: " + Books.Errors[0];
            return $"{Scenario,-30} orders {Books.Orders} | {Books.Outcomes} | stuck {Books.Stuck.Count} | lost {Books.Lost.Count} | " +
                   $"duplicated effects {Books.DuplicatedEffects} | recovery {recovery} | in flight {SagasInFlight} | {books}" +
                   (Extra.Length > 0 ? " | " + Extra : "");
        }
    }

    /// <summary>Writes the line to the test's output and appends it to the file <see cref="FileVariable"/> names, if any.</summary>
    public void Report(ITestOutputHelper output) => Write(output, Line);

    /// <summary>Writes <paramref name="line"/> where <see cref="Report"/> writes (also for a scenario whose host died before its figures).</summary>
    public static void Write(ITestOutputHelper output, string line)
    {
        output.WriteLine(line);
        if (Environment.GetEnvironmentVariable(FileVariable) is { Length: > 0 } path)
        {
            lock (FileLock) File.AppendAllLines(path, [line]);
        }
    }
}
