namespace Orderly.Messaging;

/// <summary>
/// Several dead-letter queues triaged as one, e.g. the broker's dead letters and each context's parked outbox records: a list
/// holds them all (oldest first), and a decision goes to the queue that knows the id. Each queue keeps its own rules and trail.
/// </summary>
public sealed class DeadLetterQueues(IReadOnlyList<IDeadLetterQueue> queues) : IDeadLetterQueue
{
    public async Task<IReadOnlyList<DeadLetteredMessage>> ListAsync(string? entity = null, DeadLetterStatus? status = null,
        CancellationToken cancellationToken = default)
    {
        var all = new List<DeadLetteredMessage>();
        foreach (var queue in queues) all.AddRange(await queue.ListAsync(entity, status, cancellationToken).ConfigureAwait(false));
        return all.OrderBy(d => d.FirstFailureAt).ToList();
    }

    public async Task<DeadLetteredMessage?> ShowAsync(string id, CancellationToken cancellationToken = default) =>
        (await OwnerAsync(id, cancellationToken).ConfigureAwait(false))?.Letter;

    public async Task<IReadOnlyList<DeadLetterTrailEntry>> TrailAsync(string id, CancellationToken cancellationToken = default) =>
        await OwnerAsync(id, cancellationToken).ConfigureAwait(false) is { } owner
            ? await owner.Queue.TrailAsync(id, cancellationToken).ConfigureAwait(false)
            : [];

    public async Task<string> ResubmitAsync(string id, string actor, ReadOnlyMemory<byte>? editedBody = null, string? note = null,
        CancellationToken cancellationToken = default)
    {
        var owner = await OwnerAsync(id, cancellationToken).ConfigureAwait(false) ?? throw new DeadLetterNotFoundException(id);
        return await owner.Queue.ResubmitAsync(id, actor, editedBody, note, cancellationToken).ConfigureAwait(false);
    }

    public async Task MarkIgnoredAsync(string id, string actor, string note, CancellationToken cancellationToken = default)
    {
        var owner = await OwnerAsync(id, cancellationToken).ConfigureAwait(false) ?? throw new DeadLetterNotFoundException(id);
        await owner.Queue.MarkIgnoredAsync(id, actor, note, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The queue that holds <paramref name="id"/>, with the letter; ids of different queues never collide (each has its own form).</summary>
    private async Task<(IDeadLetterQueue Queue, DeadLetteredMessage Letter)?> OwnerAsync(string id, CancellationToken cancellationToken)
    {
        foreach (var queue in queues)
            if (await queue.ShowAsync(id, cancellationToken).ConfigureAwait(false) is { } letter) return (queue, letter);
        return null;
    }
}
