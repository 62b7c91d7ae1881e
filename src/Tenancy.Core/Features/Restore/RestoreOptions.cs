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

    /// <summary>How often the <see cref="RestoreWorker"/> looks for restores queued on other instances (one queued here wakes it at once).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a worker's claim on a restore lasts before another worker may take the job over
    /// (its worker died). A live worker holds the job's row for as long as its rewind runs, so a
    /// long restore is never taken over; this only bounds how long a dead worker's tenant waits.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan JobLease { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How many times a restore is started before it is marked failed (its workers kept dying).</summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>SQLite: rows deleted per statement, so the single writer is never held long.</summary>
    [Range(100, 1_000_000)]
    public int PurgeBatchSize { get; set; } = 5_000;
}
