using DockerOps.Core.Access;
using DockerOps.Core.Containers;

namespace DockerOps.Chat.Commands;

/// <summary>
/// The whole <c>/docker</c> language: each command declared next to its one-line handler, with its
/// permission as the precondition. Every handler calls the Core use case REST calls.
/// </summary>
public static class DockerCommands
{
    public static CommandRegistry Create()
    {
        var r = new CommandRegistry();
        const Permission Read = Permission.ContainersRead, Operate = Permission.ContainersOperate;

        r.Add("help", "What you may run here.", Read).Handle(c => Task.FromResult(Help.For(c)));
        r.Add("whoami", "Your role and scope as DockerOps sees them.", Read).Handle(c => Task.FromResult(Help.WhoAmI(c)));

        r.Add("ps", "List containers (name contains filter).", Read).Argument("filter", "Text the name contains", required: false)
            .Handle(async c => Replies.List(await c.Containers.ListAsync(c.Actor, new ContainerQuery(All: true, Name: c.Args.Text("filter")), null, c.CancellationToken)));
        r.Add("status", "State, health and image of a container.", Read).Alias("inspect").Container()
            .Handle(async c => Replies.Status(await c.Containers.GetAsync(c.Actor, c.Container, null, c.CancellationToken)));
        r.Add("logs", "The last lines of a container's log.", Read).Container().Slow()
            .Option("tail", OptionKind.Integer, "Lines from the end (default 50)", 1, Replies.MaxTail).Option("since", OptionKind.Since, "Only newer output: 10m, 2h, or a time")
            .Handle(c => Replies.LogsAsync(c));
        r.Add("stats", "CPU, memory, network and I/O of a running container.", Read).Container().Slow()
            .Handle(async c => Replies.Stats(await c.Containers.GetStatsAsync(c.Actor, c.Container, null, c.CancellationToken)));
        r.Add("health", "Health of one container, or of all you can see.", Read).Container(required: false)
            .Handle(c => Replies.HealthAsync(c));

        r.Add("start", "Start a container.", Operate).Container().Changes()
            .Handle(async c => Replies.Action(c, await c.Containers.StartAsync(c.Actor, c.Container, null, c.CancellationToken)));
        r.Add("stop", "Stop a container (protected ones: admins, after confirming).", Operate).Container().Changes()
            .Confirm(Replies.PreviewAsync, when: Replies.IsProtectedAsync)
            .Handle(async c => Replies.Action(c, await c.Containers.StopAsync(c.Actor, c.Container, null, null, force: await Replies.IsProtectedAsync(c), c.CancellationToken)));
        r.Add("restart", "Restart a container.", Operate).Container().Changes().Slow()
            .Handle(async c => Replies.Action(c, await c.Containers.RestartAsync(c.Actor, c.Container, null, null, c.CancellationToken)));
        r.Add("pause", "Freeze a container's processes.", Operate).Container().Changes()
            .Handle(async c => Replies.Action(c, await c.Containers.PauseAsync(c.Actor, c.Container, null, c.CancellationToken)));
        r.Add("unpause", "Resume a paused container.", Operate).Container().Changes()
            .Handle(async c => Replies.Action(c, await c.Containers.UnpauseAsync(c.Actor, c.Container, null, c.CancellationToken)));
        r.Add("kill", "Kill a container's main process (asks first).", Operate).Container().Changes().Confirm(Replies.PreviewAsync)
            .Handle(async c => Replies.Action(c, await c.Containers.KillAsync(c.Actor, c.Container, null, null, force: await Replies.IsProtectedAsync(c), c.CancellationToken)));
        r.Add("rm", "Remove a container (asks first).", Permission.ContainersRemove).Container().Changes()
            .Option("force", OptionKind.Flag, "Remove even if running").Confirm(Replies.PreviewRemoveAsync)
            .Handle(async c => Replies.Action(c, await c.Containers.RemoveAsync(c.Actor, c.Container, c.Args.Flag("force"), false, null, c.CancellationToken)));

        r.Add("prune", "Remove unused containers, images, volumes or networks (shows what would go, asks first).", Permission.Prune)
            .Argument("target", "What to prune", required: true, ArgumentKind.Text, "containers", "images", "volumes", "networks", "system")
            .Option("dry-run", OptionKind.Flag, "Only list what would go").Option("label", OptionKind.Labels, "Only objects with this label (key or key=value)")
            .Changes().Slow().Confirm(ResourceReplies.PrunePreviewAsync, when: ResourceReplies.PruneNeedsConfirmationAsync)
            .Handle(ResourceReplies.PruneAsync);
        r.Add("volumes", "List volumes.", Permission.VolumesRead).Option("label", OptionKind.Labels, "Only volumes with this label").Handle(ResourceReplies.VolumesAsync);
        r.Add("networks", "List networks.", Permission.NetworksRead).Option("label", OptionKind.Labels, "Only networks with this label").Handle(ResourceReplies.NetworksAsync);
        r.Add("images", "List images.", Permission.ImagesRead).Option("label", OptionKind.Labels, "Only images with this label").Slow().Handle(ResourceReplies.ImagesAsync);
        r.Add("df", "Disk usage of images, containers and volumes.", Permission.SystemRead).Slow().Handle(ResourceReplies.DiskUsageAsync);
        r.Add("posture", "Security posture of a container, or of all.", Permission.SystemRead).Container(required: false).Slow().Handle(ResourceReplies.PostureAsync);

        r.Add("jobs", "Scheduled jobs: schedule, last run and outcome, next run.", Permission.JobsRead).Handle(OperationsReplies.JobsAsync);
        r.Add("run", "Run a scheduled job now.", Permission.JobsWrite).Argument("job", "Job name, as /docker jobs lists it").Changes().Handle(OperationsReplies.RunJobAsync);
        r.Add("incidents", "Open incidents, and how many resolved lately.", Permission.IncidentsRead).Handle(OperationsReplies.IncidentsAsync);
        r.Add("ack", "Acknowledge an incident: someone is on it.", Permission.IncidentsWrite).Argument("incident", "Incident ID, as /docker incidents lists it").Changes()
            .Handle(OperationsReplies.AcknowledgeAsync);
        r.Add("silence", "Hold back alerts for a container for a while.", Permission.IncidentsWrite).Container()
            .Argument("duration", "For how long: 30m, 2h", required: true, ArgumentKind.Duration).Changes().Handle(OperationsReplies.SilenceAsync);

        return r.Freeze();
    }
}
