namespace Orderly.Orchestrations.Embedded;

/// <summary>
/// How many sagas run at once: a saga started while a slot is free runs at once; the others wait as Pending, in start
/// order, and take the slots that sagas free when they end. Counts only; the engine reads and writes the store.
/// </summary>
internal sealed class SagaAdmission(int maxRunning)
{
    private readonly Lock _lock = new();
    private bool _open;
    private int _running;
    private int _waiting;
    private int _maxRunning;

    /// <summary>The most sagas that were ever running at the same moment.</summary>
    public int MaxObserved
    {
        get { lock (_lock) return _maxRunning; }
    }

    /// <summary>Opens admission at start-up with what the store holds: sagas running (resumed) and pending.</summary>
    public void Open(int running, int pending)
    {
        lock (_lock)
        {
            _open = true;
            _running = running;
            _waiting = pending;
            _maxRunning = Math.Max(_maxRunning, running);
        }
    }

    /// <summary>
    /// For a saga being started: true when it takes a free slot and runs at once, false when it must wait (no slot, or
    /// others wait before it, or the engine is not started yet). <see cref="Undo"/> when the start turns out to be a duplicate.
    /// </summary>
    public bool TryRunNow()
    {
        lock (_lock)
        {
            if (_open && _waiting == 0 && _running < maxRunning)
            {
                Took(1);
                return true;
            }
            _waiting++;
            return false;
        }
    }

    public void Undo(bool ranNow)
    {
        lock (_lock)
        {
            if (ranNow) _running--;
            else _waiting--;
        }
    }

    /// <summary>How many waiting sagas may run now (0 when none waits or no slot is free).</summary>
    public int FreeForWaiting()
    {
        lock (_lock) return _open && _waiting > 0 ? Math.Max(0, maxRunning - _running) : 0;
    }

    /// <summary>Waiting sagas that were admitted (marked Running).</summary>
    public void Admitted(int count)
    {
        lock (_lock)
        {
            Took(count);
            _waiting = Math.Max(0, _waiting - count);
        }
    }

    /// <summary>A saga ended here (or is not running after all): its slot is free. True when sagas wait for it.</summary>
    public bool Freed()
    {
        lock (_lock)
        {
            _running--;
            return _open && _waiting > 0;
        }
    }

    private void Took(int count)
    {
        _running += count;
        if (_running > _maxRunning) _maxRunning = _running;
    }
}
