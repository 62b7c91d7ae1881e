using System.ComponentModel.DataAnnotations;

namespace Tenancy.Core.Features.Restore;

/// <summary>The <c>Restore</c> configuration section.</summary>
public sealed class RestoreOptions
{
    public const string SectionName = "Restore";

    /// <summary>
    /// How far back a tenant can be restored: older change-log rows are purged. On PostgreSQL the
    /// log is dropped a whole week at a time, so up to seven days more are kept.
    /// </summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(35);

    /// <summary>How often <see cref="ChangeLogPurgeSweep"/> runs (it also creates the coming weeks' partitions on PostgreSQL).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>SQLite: rows deleted per statement, so the single writer is never held long.</summary>
    [Range(100, 1_000_000)]
    public int PurgeBatchSize { get; set; } = 5_000;
}
