using Microsoft.Extensions.Logging.Abstractions;
using Orderly.Contracts;
using Orderly.Embedded;
using Orderly.Embedded.Store;
using Orderly.Storage;

namespace Orderly.Messaging.ServiceBus.Tests;

/// <summary>
/// What triage over Service Bus decides before it reaches the broker: ids it does not know, decisions already in a note,
/// and notes as stored. The notes live in the embedded document store; the namespace is never reached.
/// </summary>
public sealed class DeadLetterQueueTests : IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2026, 11, 22, 8, 5, 0, TimeSpan.Zero);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "orderly-sb-triage-" + Guid.NewGuid().ToString("N"));
    private SqliteDatabase _database = null!;
    private IDocumentStore _notes = null!;
    private ServiceBusDeadLetterQueue _triage = null!;

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _database = new SqliteDatabase(Path.Combine(_directory, "notes.db"));
        _notes = new EmbeddedDocumentStore(_database, "payments");
        _triage = new ServiceBusDeadLetterQueue(Namespace.Senders(), _notes, [Destinations.PaymentsCommands],
            NullLogger<ServiceBusDeadLetterQueue>.Instance);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private static DeadLetteredMessage Letter(DeadLetterStatus status, string? note = null, string? resubmittedAs = null) => new(
        Id: ServiceBusEntity.DeadLetterId(Destinations.PaymentsCommands, 42), Entity: Destinations.PaymentsCommands, MessageId: "m-1",
        Body: EnvelopeJson.Serialize(Messages.Command()), Properties: new Dictionary<string, string>(), Reason: "malformed", Description: "bad",
        DeliveryCount: 1, FirstFailureAt: At, LastFailureAt: At, Status: status, Note: note, ResubmittedAsMessageId: resubmittedAs);

    private async Task<DeadLetteredMessage> Decided(DeadLetterStatus status, string? note = null, string? resubmittedAs = null)
    {
        var letter = Letter(status, note, resubmittedAs);
        var action = status == DeadLetterStatus.Ignored ? DeadLetterAction.Ignored : DeadLetterAction.Resubmitted;
        await _notes.CreateAsync(ServiceBusDeadLetterQueue.NotePartition, ServiceBusDeadLetterQueue.NoteId(letter.Id), ServiceBusDeadLetterQueue.NoteKind,
            new DeadLetterNote(letter, new ResendHeaders(ServiceBusMessageMapping.CloudEventsContentType, "order-1", "orderly.payments.authorize-payment.v1", null),
                [ServiceBusDeadLetterMapping.DeadLettered(letter), new DeadLetterTrailEntry(At.AddMinutes(1), action, "op@orderly", note, resubmittedAs)]));
        return letter;
    }

    [Theory]
    [InlineData("not-an-id")]
    [InlineData("payments-commands|-1")]
    [InlineData("orders-commands|42")] // an entity this app does not consume
    public async Task An_id_it_does_not_know_is_not_found_without_asking_the_broker(string id)
    {
        Assert.Null(await _triage.ShowAsync(id));
        Assert.Empty(await _triage.TrailAsync(id));
        await Assert.ThrowsAsync<DeadLetterNotFoundException>(() => _triage.ResubmitAsync(id, "op@orderly"));
        await Assert.ThrowsAsync<DeadLetterNotFoundException>(() => _triage.MarkIgnoredAsync(id, "op@orderly", "looked at it"));
    }

    [Fact]
    public async Task A_decision_without_an_actor_or_an_ignore_without_a_note_is_refused_first()
    {
        var id = ServiceBusEntity.DeadLetterId(Destinations.PaymentsCommands, 42);
        Assert.Equal("actor", (await Assert.ThrowsAsync<ArgumentException>(() => _triage.ResubmitAsync(id, " "))).ParamName);
        Assert.Equal("note", (await Assert.ThrowsAsync<ArgumentException>(() => _triage.MarkIgnoredAsync(id, "op@orderly", null!))).ParamName);
    }

    [Fact]
    public async Task A_decided_letter_is_shown_with_its_trail_from_its_note()
    {
        var letter = await Decided(DeadLetterStatus.Ignored, note: "duplicate of an order already cancelled");

        var shown = await _triage.ShowAsync(letter.Id);
        var trail = await _triage.TrailAsync(letter.Id);

        Assert.Equal(DeadLetterStatus.Ignored, shown!.Status);
        Assert.Equal("duplicate of an order already cancelled", shown.Note);
        Assert.Equal([DeadLetterAction.DeadLettered, DeadLetterAction.Ignored], trail.Select(t => t.Action));
        Assert.Equal("op@orderly", trail[1].Actor);
    }

    [Fact]
    public async Task Listing_decided_letters_reads_only_the_notes()
    {
        var letter = await Decided(DeadLetterStatus.Ignored, note: "left");

        Assert.Equal([letter.Id], (await _triage.ListAsync(status: DeadLetterStatus.Ignored)).Select(l => l.Id));
        Assert.Empty(await _triage.ListAsync(status: DeadLetterStatus.Resubmitted));
    }

    [Fact]
    public async Task Ignoring_a_letter_twice_is_a_conflict_and_keeps_the_first_note()
    {
        var letter = await Decided(DeadLetterStatus.Ignored, note: "first");

        var conflict = await Assert.ThrowsAsync<DeadLetterConflictException>(() => _triage.MarkIgnoredAsync(letter.Id, "op@orderly", "second"));

        Assert.Equal("first", conflict.Letter.Note);
        Assert.Equal("first", (await _triage.ShowAsync(letter.Id))!.Note);
    }

    [Fact]
    public async Task A_resubmitted_letter_is_never_resubmitted_or_ignored_again()
    {
        var letter = await Decided(DeadLetterStatus.Resubmitted, resubmittedAs: "copy-1");

        await Assert.ThrowsAsync<DeadLetterConflictException>(() => _triage.ResubmitAsync(letter.Id, "op@orderly"));
        await Assert.ThrowsAsync<DeadLetterConflictException>(() => _triage.MarkIgnoredAsync(letter.Id, "op@orderly", "no"));
        Assert.Equal(2, (await _triage.TrailAsync(letter.Id)).Count);
    }

    [Fact]
    public async Task A_note_written_before_trails_reads_as_its_dead_lettering_and_its_one_decision()
    {
        var letter = Letter(DeadLetterStatus.Ignored, note: "old note");
        await _notes.CreateAsync(ServiceBusDeadLetterQueue.NotePartition, ServiceBusDeadLetterQueue.NoteId(letter.Id), ServiceBusDeadLetterQueue.NoteKind, letter);

        var trail = await _triage.TrailAsync(letter.Id);

        Assert.Equal([DeadLetterAction.DeadLettered, DeadLetterAction.Ignored], trail.Select(t => t.Action));
        Assert.Equal(("unknown", "old note"), (trail[1].Actor, trail[1].Note));
        Assert.Equal("old note", (await _triage.ShowAsync(letter.Id))!.Note);
    }
}
