using Tenancy.Core.Features.Staff;

namespace Tenancy.Core.Features.Restore;

/// <summary>Audit actions of per-tenant restores (a restore and its undo alike; the entry says which).</summary>
public static class RestoreAuditActions
{
    public const string Requested = "restore.requested";
    public const string Completed = "restore.completed";
    public const string Failed = "restore.failed";

    /// <summary>The actor of what the worker records: the outcome of a job someone else requested.</summary>
    public static readonly StaffActor Worker = new("system:restore-worker", "Restore worker", null, new HashSet<StaffRole>());
}
