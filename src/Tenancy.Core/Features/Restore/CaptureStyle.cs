namespace Tenancy.Core.Features.Restore;

/// <summary>How the PostgreSQL capture triggers fire (decision 0005); SQLite always has row triggers.</summary>
public enum CaptureStyle
{
    /// <summary>Once per statement with transition tables: one log insert per statement. Plain PostgreSQL.</summary>
    Statement,

    /// <summary>Once per row: the style Citus can run (its planner cannot see transition tables).</summary>
    Row,
}
