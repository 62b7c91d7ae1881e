using System.ComponentModel.DataAnnotations;

namespace Tenancy.Core.Features.Quotas;

/// <summary>The <c>Quotas</c> configuration section.</summary>
public sealed class QuotaOptions
{
    public const string SectionName = "Quotas";

    /// <summary>
    /// How often each instance's enforcer cache flushes its usage counters and re-reads the
    /// quota versions, plans and statuses of the tenants it holds. A quota change made on
    /// another instance is in force here at most this long (plus one refresh query) later.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan CacheRefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A tenant not checked for this long is dropped from the cache (after its counters are flushed).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan CacheIdleTimeout { get; set; } = TimeSpan.FromMinutes(10);
}
