using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tenancy.Core.Features.Usage;

/// <summary>
/// Usage counted in one minute for one tenant and metric, as a flush of the meter or a batch of
/// the ingest API wrote it (<c>usage_buckets</c>): the raw series, and the rollup's input. Rows
/// are appended, never updated but for <see cref="RolledUpAt"/>, which the rollup sets in the
/// transaction that adds the amount to the tenant's <see cref="UsageDay"/>: that is what makes a
/// bucket count once however often the rollup runs (decision 0008). Control plane: never rewound.
/// </summary>
public sealed class UsageBucket
{
    public long Id { get; init; }

    public Guid TenantId { get; init; }

    public QuotaMetric Metric { get; init; }

    /// <summary>The minute (UTC) the usage was counted in.</summary>
    public DateTime Minute { get; init; }

    public long Amount { get; init; }

    public DateTime RecordedAt { get; init; }

    /// <summary>When the rollup added it to the day's row; null while it waits.</summary>
    public DateTime? RolledUpAt { get; set; }
}

/// <summary>
/// One tenant's usage of one metric on one day (UTC), with the day's 24 hours in columns
/// <c>h00</c>…<c>h23</c> (<c>usage_days</c>, key <c>(tenant_id, metric, day)</c>): one row and one
/// index entry per tenant, metric and day, not 24; the hours are cleared past
/// <see cref="UsageOptions.HourlyRetention"/>. For a counted metric the amounts are what was used
/// in the day and hour; for a gauge (seats, projects, storage) the level at the last snapshot of
/// the day or hour, with rows only for the days a snapshot changed it. Sharded by tenant on Citus.
/// </summary>
public sealed class UsageDay
{
    public const int Hours = 24;

    public Guid TenantId { get; init; }

    public QuotaMetric Metric { get; init; }

    /// <summary>Midnight (UTC) of the day.</summary>
    public DateTime Day { get; init; }

    public long Amount { get; set; }

    /// <summary>The column of hour <paramref name="hour"/> (0–23): <c>h00</c>…<c>h23</c>.</summary>
    public static string HourColumn(int hour) => "h" + hour.ToString("00", CultureInfo.InvariantCulture);
}

/// <summary>
/// How close one tenant is to one limit (<c>quota_pressure</c>, key <c>(tenant_id, metric)</c>),
/// kept by the rollup and by quota changes so that "the tenants closest to their limits" is an
/// index read (<c>ratio DESC</c>) at millions of tenants. Only metrics with a finite limit have a row.
/// </summary>
public sealed class QuotaPressure
{
    public Guid TenantId { get; init; }

    public QuotaMetric Metric { get; init; }

    /// <summary>Used this month (counted metrics) or now (gauges), as of <see cref="UpdatedAt"/>.</summary>
    public long Used { get; set; }

    public long Limit { get; set; }

    /// <summary><see cref="Used"/> ÷ <see cref="Limit"/>: 1 is at the limit.</summary>
    public double Ratio { get; set; }

    /// <summary>When usage reaches the limit at the recent rate; null when it will not (in this month, for counted metrics).</summary>
    public DateTime? ProjectedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}

/// <summary>
/// One write of usage (a meter flush or an ingest batch), by its id (<c>usage_flushes</c>): written
/// in the transaction that writes the usage, so a retried write whose first attempt committed
/// finds its id and writes nothing.
/// </summary>
public sealed class UsageFlush
{
    public Guid Id { get; init; }

    public DateTime FlushedAt { get; init; }
}

internal sealed class UsageBucketConfiguration : IEntityTypeConfiguration<UsageBucket>
{
    public void Configure(EntityTypeBuilder<UsageBucket> bucket)
    {
        bucket.ToTable("usage_buckets");
        bucket.HasKey(b => b.Id);
        bucket.Property(b => b.Metric).HasConversion<string>().HasMaxLength(QuotaMetricColumn.MaxLength);

        // The rollup's queue: only the buckets still to roll up, oldest first.
        bucket.HasIndex(b => b.Id, "ix_usage_buckets_pending").HasFilter("rolled_up_at IS NULL");

        // A chart's tail (what the rollup has not reached yet) and the last day's minutes.
        bucket.HasIndex(b => new { b.TenantId, b.Metric, b.Minute });

        // The purge of rolled-up buckets past the raw retention.
        bucket.HasIndex(b => b.RolledUpAt).HasFilter("rolled_up_at IS NOT NULL");
    }
}

internal sealed class UsageDayConfiguration : IEntityTypeConfiguration<UsageDay>
{
    public void Configure(EntityTypeBuilder<UsageDay> day)
    {
        day.ToTable("usage_days");
        day.HasKey(d => new { d.TenantId, d.Metric, d.Day });
        day.Property(d => d.Metric).HasConversion<string>().HasMaxLength(QuotaMetricColumn.MaxLength);
        for (var hour = 0; hour < UsageDay.Hours; hour++)
        {
            // Read and written only by UsageSeriesSql; null is "nothing in this hour" (or cleared).
            day.Property<long?>("H" + hour.ToString("00", CultureInfo.InvariantCulture)).HasColumnName(UsageDay.HourColumn(hour));
        }
    }
}

internal sealed class QuotaPressureConfiguration : IEntityTypeConfiguration<QuotaPressure>
{
    public void Configure(EntityTypeBuilder<QuotaPressure> pressure)
    {
        pressure.ToTable("quota_pressure");
        pressure.HasKey(p => new { p.TenantId, p.Metric });
        pressure.Property(p => p.Metric).HasConversion<string>().HasMaxLength(QuotaMetricColumn.MaxLength);

        // The fleet's "closest to their limits": the top of this index.
        pressure.HasIndex(p => new { p.Ratio, p.TenantId }, "ix_quota_pressure_ratio").IsDescending(true, false);
    }
}

internal sealed class UsageFlushConfiguration : IEntityTypeConfiguration<UsageFlush>
{
    public void Configure(EntityTypeBuilder<UsageFlush> flush)
    {
        flush.ToTable("usage_flushes");
        flush.HasKey(f => f.Id);
        flush.HasIndex(f => f.FlushedAt);
    }
}

/// <summary>
/// How far a background job of usage has got (<c>usage_watermarks</c>, by job name): the gauge
/// snapshot's "changes seen up to", so a restart takes up where the last run ended.
/// </summary>
public sealed class UsageWatermark
{
    public const int NameMaxLength = 64;

    public required string Name { get; init; }

    public DateTime Value { get; set; }
}

internal sealed class UsageWatermarkConfiguration : IEntityTypeConfiguration<UsageWatermark>
{
    public void Configure(EntityTypeBuilder<UsageWatermark> watermark)
    {
        watermark.ToTable("usage_watermarks");
        watermark.HasKey(w => w.Name);
        watermark.Property(w => w.Name).HasMaxLength(UsageWatermark.NameMaxLength);
    }
}
