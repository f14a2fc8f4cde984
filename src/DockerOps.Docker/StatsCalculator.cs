using Docker.DotNet.Models;
using DockerOps.Core.Containers;

namespace DockerOps.Docker;

/// <summary>The docker CLI's arithmetic for <c>docker stats</c>, on one engine sample.</summary>
internal static class StatsCalculator
{
    public static Core.Containers.ContainerStats ToStats(string id, ContainerStatsResponse s)
    {
        var cpuDelta = (double)(s.CPUStats?.CPUUsage?.TotalUsage ?? 0) - (s.PreCPUStats?.CPUUsage?.TotalUsage ?? 0);
        var systemDelta = (double)(s.CPUStats?.SystemUsage ?? 0) - (s.PreCPUStats?.SystemUsage ?? 0);
        var onlineCpus = s.CPUStats?.OnlineCPUs is > 0 ? s.CPUStats.OnlineCPUs : (uint)(s.CPUStats?.CPUUsage?.PercpuUsage?.Count ?? 1);
        var cpuPercent = cpuDelta > 0 && systemDelta > 0 ? cpuDelta / systemDelta * onlineCpus * 100.0 : 0.0;

        // Like the CLI, page cache is not counted as use: cgroup v2 reports it as inactive_file, v1 as cache.
        var stats = s.MemoryStats?.Stats;
        var cache = stats is null ? 0UL
            : stats.TryGetValue("inactive_file", out var inactive) ? inactive
            : stats.TryGetValue("total_inactive_file", out var totalInactive) ? totalInactive
            : stats.TryGetValue("cache", out var cached) ? cached
            : 0UL;
        var usage = s.MemoryStats?.Usage ?? 0;
        var memoryUsed = usage > cache ? usage - cache : usage;
        var memoryLimit = s.MemoryStats?.Limit ?? 0;

        var blkio = s.BlkioStats?.IoServiceBytesRecursive ?? [];
        return new Core.Containers.ContainerStats(
            id,
            s.Name?.TrimStart('/') ?? "",
            new DateTimeOffset(DateTime.SpecifyKind(s.Read, DateTimeKind.Utc)),
            Math.Round(cpuPercent, 2),
            (long)memoryUsed,
            (long)memoryLimit,
            memoryLimit > 0 ? Math.Round(memoryUsed * 100.0 / memoryLimit, 2) : 0,
            (long)(s.Networks?.Values.Sum(n => (double)n.RxBytes) ?? 0),
            (long)(s.Networks?.Values.Sum(n => (double)n.TxBytes) ?? 0),
            (long)blkio.Where(e => e.Op.Equals("read", StringComparison.OrdinalIgnoreCase)).Sum(e => (double)e.Value),
            (long)blkio.Where(e => e.Op.Equals("write", StringComparison.OrdinalIgnoreCase)).Sum(e => (double)e.Value),
            (long)(s.PidsStats?.Current ?? 0));
    }
}
