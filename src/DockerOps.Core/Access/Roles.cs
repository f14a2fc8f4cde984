namespace DockerOps.Core.Access;

/// <summary>Roles, each including everything the ones before it may do.</summary>
public enum Role
{
    Viewer = 1,
    Operator = 2,
    Admin = 3,
}

/// <summary>
/// Every kind of action the application layer performs. Each endpoint, chat command and job
/// declares one; <see cref="Permissions.RequiredRole"/> is the single table that says who may.
/// </summary>
public enum Permission
{
    ContainersRead,
    ContainersOperate,
    ContainersCreate,
    ContainersRemove,
    VolumesRead,
    VolumesWrite,
    NetworksRead,
    NetworksWrite,
    ImagesRead,
    ImagesWrite,
    SystemRead,
    Prune,
    JobsRead,
    JobsWrite,
    IncidentsRead,
    IncidentsWrite,
    KeysManage,
    AuditRead,
    /// <summary>Seeing one's own identity, role and scope.</summary>
    IdentityRead,
}

public static class Permissions
{
    public static Role RequiredRole(this Permission permission) => permission switch
    {
        Permission.ContainersRead or Permission.VolumesRead or Permission.NetworksRead or Permission.ImagesRead
            or Permission.SystemRead or Permission.IncidentsRead or Permission.JobsRead or Permission.IdentityRead => Role.Viewer,
        Permission.ContainersOperate or Permission.IncidentsWrite => Role.Operator,
        _ => Role.Admin,
    };

    public static bool Allows(this Role role, Permission permission) => role >= permission.RequiredRole();
}
