using System.Globalization;
using System.Text;
using DockerOps.Core.Access;
using DockerOps.Core.Common;
using DockerOps.Core.Containers;

namespace DockerOps.Chat.Commands;

/// <summary>Use-case results as short chat answers. Errors read the same as the REST problem details, shorter.</summary>
public static class Replies
{
    public const int MaxTail = 500;
    private const int DefaultTail = 50;
    private const int MaxRows = 40;
    private const int MaxCodeChars = 1500;

    public static ChatReply FromError(Error error)
    {
        var headline = error.Kind switch
        {
            ErrorKind.NotFound => "Not found.",
            ErrorKind.Forbidden => "Not allowed.",
            ErrorKind.Conflict => "Cannot do that now.",
            _ => "Invalid request.",
        };
        var lines = new List<string> { error.Detail };
        if (error.Candidates is { Count: > 0 } candidates)
            lines.Add("Candidates: " + string.Join(", ", candidates.Select(Code)));
        return new ChatReply(ReplyTone.Error, headline, lines);
    }

    public static ChatReply List(Result<IReadOnlyList<ContainerSummary>> result)
    {
        if (!result.IsOk)
            return FromError(result.Error!);
        var containers = result.Value.OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
        if (containers.Count == 0)
            return ChatReply.Info("No containers you can see match.");
        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"{"NAME",-28} {"STATE",-10} {"HEALTH",-9} IMAGE");
        foreach (var c in containers.Take(MaxRows))
            table.AppendLine(CultureInfo.InvariantCulture, $"{Cut(c.Name, 28),-28} {Lower(c.State),-10} {(c.Health == HealthStatus.None ? "-" : Lower(c.Health)),-9} {Cut(c.Image, 40)}");
        var lines = containers.Count > MaxRows ? new[] { $"Showing {MaxRows} of {containers.Count}; add a filter to narrow." } : [];
        return ChatReply.Info($"{containers.Count} container(s), {containers.Count(c => c.State == ContainerState.Running)} running", lines) with { Code = table.ToString().TrimEnd() };
    }

    public static ChatReply Status(Result<ContainerDetails> result)
    {
        if (!result.IsOk)
            return FromError(result.Error!);
        var d = result.Value;
        var health = d.Health.Status == HealthStatus.None ? "" : $" ({Lower(d.Health.Status)})";
        var lines = new List<string>
        {
            $"Image {Code(d.Image)}, ID {Code(d.Id[..Math.Min(12, d.Id.Length)])}",
            d.State.Running && d.State.StartedAt is { } started ? $"Up since {started:yyyy-MM-dd HH:mm:ss} UTC, restarted {d.RestartCount} time(s)" : $"Exit code {d.State.ExitCode}",
        };
        if (d.Ports.Count > 0)
            lines.Add("Ports " + string.Join(", ", d.Ports.Select(p => p.HostPort is null ? $"{p.ContainerPort}/{p.Protocol}" : $"{p.HostIp}:{p.HostPort}->{p.ContainerPort}/{p.Protocol}")));
        if (d.Project is not null)
            lines.Add($"Compose {Code(d.Project + "/" + d.Service)}");
        return new ChatReply(ReplyTone.Info, $"{Code(d.Name)} is {Lower(d.State.Status)}{health}", lines);
    }

    public static async Task<ChatReply> LogsAsync(CommandContext c)
    {
        var tail = c.Args.Integer("tail") ?? DefaultTail;
        var query = new LogQuery(tail, c.Args.Time("since"), null, Timestamps: false, Stdout: true, Stderr: true, Follow: false);
        var logs = await c.Containers.OpenLogsAsync(c.Actor, c.Container, query, null, c.CancellationToken);
        if (!logs.IsOk)
            return FromError(logs.Error!);
        var text = new StringBuilder();
        await foreach (var chunk in logs.Value.Chunks.WithCancellation(c.CancellationToken))
        {
            text.Append(Encoding.UTF8.GetString(chunk.Data.Span));
            // Only the end is shown; keep memory bounded however chatty the container is.
            if (text.Length > MaxCodeChars * 4)
                text.Remove(0, text.Length - MaxCodeChars * 2);
        }

        var output = text.ToString().TrimEnd();
        if (output.Length == 0)
            return ChatReply.Info($"{Code(logs.Value.Container.Name)} has no log output in that range.");
        var cut = output.Length > MaxCodeChars;
        return ChatReply.Info($"Last {tail} line(s) of {Code(logs.Value.Container.Name)}", cut ? ["(trimmed to the end; use the REST API for more)"] : [])
            with { Code = cut ? output[^MaxCodeChars..] : output };
    }

    public static ChatReply Stats(Result<ContainerStats> result)
    {
        if (!result.IsOk)
            return FromError(result.Error!);
        var s = result.Value;
        return ChatReply.Info(
            $"{Code(s.Name)}: CPU {s.CpuPercent:0.0}%, memory {Bytes(s.MemoryUsageBytes)} of {Bytes(s.MemoryLimitBytes)} ({s.MemoryPercent:0.0}%)",
            $"Network in {Bytes(s.NetworkRxBytes)}, out {Bytes(s.NetworkTxBytes)}; block read {Bytes(s.BlockReadBytes)}, written {Bytes(s.BlockWriteBytes)}; {s.Pids} process(es)");
    }

    public static async Task<ChatReply> HealthAsync(CommandContext c)
    {
        if (c.Args.Text("container") is not null)
        {
            var health = await c.Containers.GetHealthAsync(c.Actor, c.Container, null, c.CancellationToken);
            if (!health.IsOk)
                return FromError(health.Error!);
            var h = health.Value;
            if (h.Health.Status == HealthStatus.None)
                return ChatReply.Info($"{Code(h.Name)} has no health check; it is {Lower(h.State)}.");
            var last = h.Health.Log.LastOrDefault();
            var lines = new List<string> { $"Failing streak {h.Health.FailingStreak}" };
            if (last is not null)
                lines.Add($"Last probe exit {last.ExitCode}: {Code(Cut(last.Output.Trim(), 200))}");
            var tone = h.Health.Status == HealthStatus.Unhealthy ? ReplyTone.Warning : ReplyTone.Info;
            return new ChatReply(tone, $"{Code(h.Name)} is {Lower(h.Health.Status)}", lines);
        }

        var all = await c.Containers.ListAsync(c.Actor, new ContainerQuery(All: true), null, c.CancellationToken);
        if (!all.IsOk)
            return FromError(all.Error!);
        var checkedOnes = all.Value.Where(x => x.Health != HealthStatus.None).ToList();
        var unhealthy = checkedOnes.Where(x => x.Health == HealthStatus.Unhealthy).Select(x => Code(x.Name)).Order(StringComparer.Ordinal).ToList();
        var headline = $"{checkedOnes.Count(x => x.Health == HealthStatus.Healthy)} healthy, {unhealthy.Count} unhealthy, " +
            $"{checkedOnes.Count(x => x.Health == HealthStatus.Starting)} starting, {all.Value.Count - checkedOnes.Count} without a check";
        return new ChatReply(unhealthy.Count > 0 ? ReplyTone.Warning : ReplyTone.Info, headline,
            unhealthy.Count > 0 ? ["Unhealthy: " + string.Join(", ", unhealthy.Take(MaxRows))] : []);
    }

    public static ChatReply Action(CommandContext c, Result<ContainerActionResult> result)
    {
        if (!result.IsOk)
            return FromError(result.Error!);
        var r = result.Value;
        return r.Changed
            ? ChatReply.Success($"{c.User.Mention} {PastTense(r.Action)} {Code(r.Name)}", $"Now {Lower(r.State)}.")
            : ChatReply.Info($"{Code(r.Name)} was already {Lower(r.State)}; nothing changed.");
    }

    /// <summary>The container a confirmation is about, so that the person sees what they are confirming.</summary>
    public static async Task<ChatReply> PreviewAsync(CommandContext c)
    {
        var details = await c.Containers.GetAsync(c.Actor, c.Container, null, c.CancellationToken);
        if (!details.IsOk)
            return FromError(details.Error!);
        var d = details.Value;
        if (IsProtected(d.Labels) && c.Actor.Role < Role.Admin)
            return ChatReply.Error($"{Code(d.Name)} is protected.", $"Only an admin may {c.Definition.Verb} it (label {Code(ContainerGuardRails.ProtectedLabel)}).");
        return ChatReply.Warning($"{Verb(c.Definition.Verb)} {Code(d.Name)}?", $"It is {Lower(d.State.Status)}, image {Code(d.Image)}{(IsProtected(d.Labels) ? "; it is protected" : "")}.");
    }

    public static async Task<ChatReply> PreviewRemoveAsync(CommandContext c)
    {
        var details = await c.Containers.GetAsync(c.Actor, c.Container, null, c.CancellationToken);
        if (!details.IsOk)
            return FromError(details.Error!);
        var d = details.Value;
        if (d.State.Running && !c.Args.Flag("force"))
            return ChatReply.Error($"{Code(d.Name)} is running.", "Stop it first, or add `--force` to kill and remove it.");
        var volumes = d.Mounts.Count(m => m.Type == "volume");
        return ChatReply.Warning($"Remove {Code(d.Name)}?",
            $"It is {Lower(d.State.Status)}, image {Code(d.Image)}{(volumes > 0 ? $", {volumes} volume(s) stay" : "")}. This cannot be undone.");
    }

    /// <summary>Protected containers (Core's guard rail) need an admin, passing force, which chat does only after a confirmation.</summary>
    public static async Task<bool> IsProtectedAsync(CommandContext c)
    {
        var details = await c.Containers.GetAsync(c.Actor, c.Container, null, c.CancellationToken);
        return details.IsOk && IsProtected(details.Value.Labels);
    }

    private static bool IsProtected(IReadOnlyDictionary<string, string> labels) =>
        labels.TryGetValue(ContainerGuardRails.ProtectedLabel, out var value) && value.Equals("true", StringComparison.OrdinalIgnoreCase);

    /// <summary>A value as a code span; backticks inside would end it early, so they go.</summary>
    public static string Code(string? text) => "`" + (text ?? "").Replace("`", "'", StringComparison.Ordinal) + "`";

    private static string Verb(string verb) => verb switch
    {
        "rm" => "Remove",
        _ => char.ToUpperInvariant(verb[0]) + verb[1..],
    };

    private static string PastTense(string action) => action switch
    {
        "stop" => "stopped",
        "remove" => "removed",
        "pause" or "unpause" => action + "d",
        _ => action + "ed",
    };

    private static string Lower<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();

    private static string Cut(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";

    private static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.0} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.0} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:0.0} KiB",
        _ => $"{bytes} B",
    };
}
