using System.ComponentModel.DataAnnotations;

namespace Tenancy.Core.Features.Billing;

/// <summary>The <c>Billing</c> configuration section: how past-due tenants and the event inbox are handled.</summary>
public sealed class BillingOptions
{
    public const string SectionName = "Billing";

    /// <summary>How long a tenant may stay past due before it is suspended for billing.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "90.00:00:00")]
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// The longest grace staff may give by extending it: the deadline stays within this time of
    /// the moment the tenant became past due.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan MaxGracePeriod { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often the grace-period sweep looks for tenants whose grace has run out.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How often the event processor looks at the inbox when nothing wakes it. Events received on
    /// this instance wake it at once; this covers events received by other instances and retries.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Events claimed and applied in one transaction.</summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 100;

    /// <summary>Attempts before an event that keeps failing is marked failed (staff can replay it).</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 6;

    /// <summary>Wait before the first retry; it doubles with every attempt, up to <see cref="RetryMaxDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(30);

    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The wait before attempt <paramref name="attempts"/> + 1.</summary>
    public TimeSpan RetryDelay(int attempts)
    {
        var factor = Math.Pow(2, Math.Clamp(attempts - 1, 0, 30));
        var delay = TimeSpan.FromTicks((long)Math.Min(RetryBaseDelay.Ticks * factor, RetryMaxDelay.Ticks));
        return delay < RetryMaxDelay ? delay : RetryMaxDelay;
    }
}

/// <summary>The <c>Stripe</c> configuration section. Secrets come from configuration (user secrets, environment), never the repository.</summary>
public sealed class StripeOptions
{
    public const string SectionName = "Stripe";

    /// <summary>How far a signature's timestamp may be from now, as Stripe's libraries default to.</summary>
    public const long SignatureToleranceSeconds = 300;

    /// <summary>The webhook endpoint's signing secret (<c>whsec_…</c>).</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>The secret being rotated out: signatures made with it are accepted too until it is removed.</summary>
    public string? PreviousWebhookSecret { get; set; }

    /// <summary>Largest accepted webhook body. Stripe's events are a few kilobytes.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxPayloadBytes { get; set; } = 512 * 1024;

    public IEnumerable<string> Secrets()
    {
        if (!string.IsNullOrWhiteSpace(WebhookSecret))
        {
            yield return WebhookSecret.Trim();
        }

        if (!string.IsNullOrWhiteSpace(PreviousWebhookSecret))
        {
            yield return PreviousWebhookSecret.Trim();
        }
    }
}
