namespace Tenancy.Core.Features.Restore;

/// <summary>
/// One captured write to tenant data: the change log a per-tenant restore undoes (decision 0005).
/// Rows are written only by the capture triggers (<see cref="ChangeCaptureSql"/>), never by EF,
/// and the log is control plane: a restore appends to it and never rewinds it.
/// </summary>
public sealed class TenantChange
{
    public Guid TenantId { get; init; }

    /// <summary>When the writing transaction started (PostgreSQL's <c>now()</c>), so one transaction is never split by a restore point.</summary>
    public DateTime ChangedAt { get; init; }

    /// <summary>Order of the changes: two changes of one row always have increasing values (the row lock serialises their writers).</summary>
    public long Seq { get; init; }

    /// <summary>The logical table (<c>project_items</c>), never a Citus shard name.</summary>
    public required string TableName { get; init; }

    /// <summary>The row's key columns other than <c>tenant_id</c>, as a JSON object (<c>{"id": "…"}</c>).</summary>
    public required string RowKey { get; init; }

    public TenantChangeOp Op { get; init; }

    /// <summary>The whole row before the change, as a JSON object; null for an insert.</summary>
    public string? Before { get; init; }

    /// <summary>The writing transaction (PostgreSQL); null on SQLite, whose single writer keeps a transaction's changes contiguous in <see cref="Seq"/>.</summary>
    public long? TransactionId { get; init; }

    /// <summary>Who wrote, when the writer set <c>SET LOCAL tenancy.actor = '…'</c> (PostgreSQL).</summary>
    public string? Actor { get; init; }
}
