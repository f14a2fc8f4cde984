using DockerOps.Core.Common;

namespace DockerOps.Core.Pruning;

public enum PruneKind
{
    Containers,
    Networks,
    Volumes,
    Images,
    BuildCache,
}

/// <summary>
/// A prune as asked: <paramref name="All"/> means named volumes too (volume prune) or every unused image
/// rather than only dangling ones (image prune); <paramref name="Volumes"/> adds volumes to a system prune.
/// Label selectors are <c>key</c> or <c>key=value</c>; <paramref name="ExcludedLabels"/> are the <c>label!=</c> ones.
/// </summary>
public sealed record PruneRequest(
    bool DryRun,
    string? Until = null,
    IReadOnlyList<string>? Labels = null,
    IReadOnlyList<string>? ExcludedLabels = null,
    bool All = false,
    bool Volumes = false);

/// <summary>One object a prune removes (or would remove), with the bytes it frees.</summary>
public sealed record PrunedItem(PruneKind Kind, string Id, string? Name, long SizeBytes);

/// <summary>An object the preview listed that the engine refused to remove, because it came into use meanwhile.</summary>
public sealed record PruneSkip(PruneKind Kind, string Id, string? Name, string Reason);

/// <summary>
/// A dry run lists what would go and the bytes reclaimable; a real prune lists what went and the bytes reclaimed.
/// </summary>
public sealed record PruneReport(
    bool DryRun,
    IReadOnlyList<PruneKind> Kinds,
    IReadOnlyList<PrunedItem> Items,
    long Bytes,
    IReadOnlyList<PruneSkip> Skipped,
    IReadOnlyList<string> Notes);

/// <summary>
/// Which objects a prune may take: created no later than <see cref="Until"/>, matching every label
/// selector, matching none of the excluded ones, and never anything labelled <c>dockerops.keep=true</c>.
/// </summary>
public sealed record PruneFilter(DateTimeOffset? Until, IReadOnlyList<string> Labels, IReadOnlyList<string> ExcludedLabels)
{
    public const string KeepLabel = "dockerops.keep";
    public const string KeepSelector = "dockerops.keep=true";

    public static PruneFilter None { get; } = new(null, [], []);

    public bool HasLabelSelectors => Labels.Count > 0 || ExcludedLabels.Count > 0;

    public bool Admits(IReadOnlyDictionary<string, string> labels, DateTimeOffset? created)
    {
        // Each excluded selector excludes on its own. The engine's own label! filters only exclude what
        // matches all of them, which would let a caller's label!= weaken the keep label; so selection is done here.
        if (LabelSelectors.Matches(KeepSelector, labels))
            return false;
        if (Until is { } until && created is { } time && time > until)
            return false;
        if (!Labels.All(selector => LabelSelectors.Matches(selector, labels)))
            return false;
        return !ExcludedLabels.Any(selector => LabelSelectors.Matches(selector, labels));
    }

    public static Result<PruneFilter> From(PruneRequest request, DateTimeOffset now)
    {
        if (LabelSelectors.Validate("label", request.Labels) is { } badLabel)
            return badLabel;
        if (LabelSelectors.Validate("label!", request.ExcludedLabels) is { } badExcluded)
            return badExcluded;
        DateTimeOffset? until = null;
        if (request.Until is not null)
        {
            if (!PointInTime.TryParse(request.Until, now, out var parsed))
                return Error.Invalid("until", "until must be a duration back from now (24h, 10m), an RFC 3339 time or Unix seconds.");
            until = parsed;
        }

        return new PruneFilter(until, request.Labels ?? [], request.ExcludedLabels ?? []);
    }
}
