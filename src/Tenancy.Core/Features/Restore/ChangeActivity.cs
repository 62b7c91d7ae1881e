namespace Tenancy.Core.Features.Restore;

/// <summary>How wide one bar of the change-activity chart is.</summary>
public enum ActivityBucket
{
    Minute,
    Hour,
    Day,
}

/// <summary>Captured changes of one table in one time bucket (its start, UTC).</summary>
public sealed record ActivityPoint(DateTime BucketStart, string Table, int Changes);

/// <summary>A tenant's captured changes over a time range, per bucket and table: when its data was written, so staff can see a bad import.</summary>
public sealed record ChangeActivity(DateTime From, DateTime To, ActivityBucket Bucket, IReadOnlyList<ActivityPoint> Points)
{
    /// <summary>The most buckets one query may ask for (a minute's bars over about a day, an hour's over 80 days).</summary>
    public const int MaxBuckets = 2_000;

    public int Total => Points.Sum(p => p.Changes);

    public static TimeSpan Width(ActivityBucket bucket) => bucket switch
    {
        ActivityBucket.Minute => TimeSpan.FromMinutes(1),
        ActivityBucket.Hour => TimeSpan.FromHours(1),
        _ => TimeSpan.FromDays(1),
    };
}
