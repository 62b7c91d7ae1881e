using System.ComponentModel.DataAnnotations;

namespace Tenancy.Core.Features.Usage;

/// <summary>Metering, rollups, retention and the ingest API (section <c>Usage</c>).</summary>
public sealed class UsageOptions
{
    public const string SectionName = "Usage";

    /// <summary>How often the rollup adds new buckets to the days and updates the quota pressure. Charts read the not-yet-rolled tail too, so this sets cost, not freshness.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RollupInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Buckets one rollup transaction takes.</summary>
    [Range(100, 1_000_000)]
    public int RollupBatchSize { get; set; } = 20_000;

    /// <summary>Rolled-up minute buckets are kept this long (the 24-hour chart reads them back to the start of yesterday, hence two days at least).</summary>
    [Range(typeof(TimeSpan), "2.00:00:00", "90.00:00:00")]
    public TimeSpan RawRetention { get; set; } = TimeSpan.FromDays(3);

    /// <summary>The hours of a day are kept this long; the day's total stays.</summary>
    [Range(typeof(TimeSpan), "7.00:00:00", "400.00:00:00")]
    public TimeSpan HourlyRetention { get; set; } = TimeSpan.FromDays(35);

    /// <summary>Days are kept this long (at least 13 months).</summary>
    [Range(typeof(TimeSpan), "396.00:00:00", "3650.00:00:00")]
    public TimeSpan DailyRetention { get; set; } = TimeSpan.FromDays(400);

    /// <summary>How often gauges (seats, projects, storage) are snapshotted for the tenants whose data changed.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan GaugeSnapshotInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Ingest: the most events in one request.</summary>
    [Range(1, 100_000)]
    public int MaxIngestBatch { get; set; } = 5_000;

    /// <summary>Ingest: events per second a key may send when it has no rate of its own.</summary>
    [Range(1, 10_000_000)]
    public int DefaultIngestRatePerSecond { get; set; } = 50_000;

    /// <summary>Ingest: an event id counts once within this window.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "90.00:00:00")]
    public TimeSpan IngestIdRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Ingest: the largest request body in bytes (about 200 bytes an event); a larger one is refused with 413.</summary>
    [Range(1_024, 256 * 1024 * 1024)]
    public int MaxIngestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Ingest: events older than this are refused (their days may be past the rollup's reach of the pressure).</summary>
    [Range(typeof(TimeSpan), "01:00:00", "90.00:00:00")]
    public TimeSpan MaxEventAge { get; set; } = TimeSpan.FromDays(7);
}
