using Orderly.Inventory.Domain;
using Orderly.Storage;

namespace Orderly.Inventory.Persistence;

/// <summary>Reads an order's reservation (partition = order id) and creates it when it must exist before anything else happens.</summary>
public static class ReservationBook
{
    public static async Task<Loaded<Reservation>?> ReadAsync(IDocumentStore store, string orderId, CancellationToken ct)
    {
        var doc = await store.ReadAsync(orderId, Reservation.Kind, ct);
        return doc is null ? null : new Loaded<Reservation>(doc.As<Reservation>(), doc.ETag);
    }

    /// <summary>
    /// The order's reservation, written now as <paramref name="create"/> if there is none. Writing it before touching any
    /// product is what makes the handlers crash-safe: whoever comes next (a redelivery, a release) knows which skus to undo.
    /// </summary>
    public static async Task<Loaded<Reservation>> ReadOrCreateAsync(IDocumentStore store, string orderId, Func<Reservation> create, CancellationToken ct)
    {
        while (true)
        {
            var existing = await ReadAsync(store, orderId, ct);
            if (existing is not null) return existing;
            var reservation = create();
            try
            {
                var result = await store.CommitAsync(new WriteBatch(orderId).Create(Reservation.Kind, Reservation.Kind, reservation), ct);
                return new Loaded<Reservation>(reservation, result.ETags[0]!);
            }
            catch (DocumentConflictException)
            {
                // A concurrent delivery created it first: read theirs.
            }
        }
    }
}
