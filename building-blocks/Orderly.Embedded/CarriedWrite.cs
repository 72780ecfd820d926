using Orderly.Storage;

namespace Orderly.Embedded;

/// <summary>
/// Writes on <see cref="Database"/> that a unit of work of someone else carries (<see cref="ICarriedWrite"/>): run on the
/// single writer inside that unit, all or nothing with it, then told how it ended.
/// </summary>
public abstract class CarriedWrite(SqliteDatabase database) : ICarriedWrite
{
    /// <summary>The database whose units can carry these writes.</summary>
    public SqliteDatabase Database { get; } = database;

    /// <summary>Writes in the carrying unit, on the writer; throwing fails the whole unit.</summary>
    public abstract void WriteIn(WriteScope scope);

    public abstract void Committed();

    public abstract void Failed(Exception error);
}
