namespace Tenancy.Core.Features.Restore;

/// <summary>Where a restore job is: queued, running, or finished one way or the other.</summary>
public enum RestoreJobState
{
    /// <summary>Requested; waiting for a worker.</summary>
    Queued,

    /// <summary>A worker claimed it and is rewinding (or died doing so: its lease runs out and another worker takes it again).</summary>
    Running,

    /// <summary>The tenant's data is as it was at <see cref="RestoreJob.PointInTime"/>.</summary>
    Succeeded,

    /// <summary>Nothing was changed; <see cref="RestoreJob.Error"/> says why.</summary>
    Failed,
}

/// <summary>What a restore job does: rewind to a moment staff chose, or undo an earlier restore.</summary>
public enum RestoreJobKind
{
    Restore,

    /// <summary>Rewinds to the moment just before the restore it undoes (<see cref="RestoreJob.UndoesJobId"/>).</summary>
    Undo,
}

/// <summary>
/// One per-tenant point-in-time restore, as a durable job (decision 0005): staff request it
/// (<see cref="RestoreService"/>), a <see cref="RestoreWorker"/> claims it and rewinds the tenant
/// in one transaction that also records the outcome here. Control plane: a restore never
/// rewinds its own jobs. At most one job per tenant is queued or running (a unique index).
/// </summary>
public sealed class RestoreJob
{
    public const int ErrorMaxLength = 2_000;

    public Guid TenantId { get; init; }

    public Guid Id { get; init; } = Guid.CreateVersion7();

    public RestoreJobKind Kind { get; init; }

    /// <summary>The moment (UTC) the tenant's data goes back to.</summary>
    public DateTime PointInTime { get; init; }

    /// <summary>For an undo: the restore it reverses.</summary>
    public Guid? UndoesJobId { get; init; }

    public required string Reason { get; init; }

    /// <summary>Staff member's display name.</summary>
    public required string RequestedBy { get; init; }

    /// <summary>Staff member's subject (the identity provider's id), for the audit trail.</summary>
    public required string RequestedBySubject { get; init; }

    public DateTime RequestedAt { get; init; }

    /// <summary>Rows the preview at request time said the restore would touch (deleted + re-inserted + changed back).</summary>
    public int ExpectedRows { get; init; }

    public RestoreJobState State { get; set; }

    /// <summary>How many times a worker took the job (more than one after a worker died mid-restore).</summary>
    public int Attempts { get; set; }

    /// <summary>While running: when another worker may take the job over if this one has not finished (it died).</summary>
    public DateTime? LeaseUntil { get; set; }

    public DateTime? StartedAt { get; set; }

    public DateTime? FinishedAt { get; set; }

    /// <summary>When the rewinding transaction began, by the database's clock: its own captured changes carry this time, so undoing it means rewinding to just before.</summary>
    public DateTime? RewoundAt { get; set; }

    /// <summary>How long the rewinding transaction took.</summary>
    public long? DurationMs { get; set; }

    public int? Deleted { get; set; }

    public int? Reinserted { get; set; }

    public int? Changed { get; set; }

    /// <summary>Per-table counts, JSON: <c>[{"table":"projects","deleted":0,"reinserted":3,"changed":1}]</c>.</summary>
    public string? Tables { get; set; }

    /// <summary>Why it failed, in staff's words.</summary>
    public string? Error { get; set; }

    public bool IsActive => State is RestoreJobState.Queued or RestoreJobState.Running;
}
