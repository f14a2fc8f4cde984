namespace DockerOps.Core.Pruning;

/// <summary>
/// One prune of each kind at a time: a second one is refused, not queued, because the first already
/// takes what the second would have. A system prune holds the lock of every kind it covers.
/// </summary>
public sealed class PruneLocks
{
    private readonly Dictionary<PruneKind, SemaphoreSlim> _locks = Enum.GetValues<PruneKind>().ToDictionary(k => k, _ => new SemaphoreSlim(1, 1));

    /// <summary>Takes every kind's lock, or none of them; null names the kind that is busy.</summary>
    public bool TryEnter(IReadOnlyList<PruneKind> kinds, out IDisposable? held, out PruneKind? busy)
    {
        var taken = new List<SemaphoreSlim>();
        foreach (var kind in kinds)
        {
            if (!_locks[kind].Wait(0))
            {
                taken.ForEach(l => l.Release());
                held = null;
                busy = kind;
                return false;
            }

            taken.Add(_locks[kind]);
        }

        held = new Release(taken);
        busy = null;
        return true;
    }

    private sealed class Release(List<SemaphoreSlim> locks) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                locks.ForEach(l => l.Release());
        }
    }
}
