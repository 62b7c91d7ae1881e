using Tenancy.Core.Features.Billing;
using Tenancy.Core.Features.Plans;
using Tenancy.Core.Features.Suspensions;
using Tenancy.Core.Features.Tenants;

namespace Tenancy.Core.Data.Seeding;

/// <summary>A demo tenant's <c>tenant_billing</c> row.</summary>
internal sealed record DemoBilling(
    string? SubscriptionId,
    string SubscriptionStatus,
    DateTime? PastDueSince,
    DateTime? GraceDeadline,
    bool SuspendedForBilling,
    DateTime UpdatedAt);

/// <summary>One demo <c>suspensions</c> row; enums by name, as EF Core stores them.</summary>
internal sealed record DemoSuspension(
    Guid Id,
    string Category,
    string Reason,
    DateTime StartedAt,
    string StartedBy,
    string StatusBefore,
    DateTime? LiftedAt,
    string? LiftedBy,
    string? LiftReason);

/// <summary>
/// The billing state and suspensions of one demo tenant, when it has any: every PastDue and
/// Suspended tenant, and a few Active ones with a lifted suspension in their history.
/// </summary>
internal sealed class DemoAccount(Guid tenantId)
{
    public Guid TenantId { get; } = tenantId;

    public DemoBilling? Billing { get; set; }

    /// <summary>An older suspension, lifted before <see cref="Active"/> started (or before now).</summary>
    public DemoSuspension? Lifted { get; set; }

    /// <summary>The suspension in force (only on Suspended tenants).</summary>
    public DemoSuspension? Active { get; set; }

    /// <summary>The suspensions in key order (tenant id, then UUID v7 id: the older first).</summary>
    public IEnumerable<DemoSuspension> Suspensions()
    {
        if (Lifted is not null)
        {
            yield return Lifted;
        }

        if (Active is not null)
        {
            yield return Active;
        }
    }
}

/// <summary>
/// Billing state that agrees with each demo tenant's status under the domain's rule
/// (<see cref="Features.Access.TenantAccess.StatusFor"/>): a PastDue tenant has a past-due billing row inside its grace
/// period; a Suspended tenant has an active suspension (a billing one, after its grace period
/// ran out, or a manual one); no other tenant has an active suspension.
/// </summary>
/// <remarks>
/// Each tenant draws from its own <see cref="Random"/> seeded by (run seed, tenant sequence),
/// not from the catalog generator's stream, so the catalog rows (names, plans, Stripe ids, tenant
/// data) are the same as before billing existed. The one catalog value this changes is a PastDue
/// or Suspended tenant's <see cref="DemoTenant.UpdatedAt"/>, which becomes the time its status
/// changed.
/// </remarks>
internal sealed class DemoAccountGenerator(int seed, DateTime now)
{
    private const int AccountStream = 5;
    private const int HistoryStream = 6;

    /// <summary>Share of Active tenants with a lifted suspension in their history (per thousand).</summary>
    private const int ActiveHistoryPerMille = 5;

    /// <summary>Share of Suspended tenants that also have an older, lifted suspension.</summary>
    private const double SuspendedHistoryChance = 0.1;

    /// <summary>
    /// Chance that a Suspended tenant that can be suspended for billing (it has a subscription
    /// and is old enough for a grace period to have run out) is. The others, and every tenant
    /// without a subscription (Free plans: about half of them), are suspended by staff.
    /// </summary>
    private const double BillingSuspensionChance = 0.88;

    /// <summary>The default <c>Billing:GracePeriod</c> (<see cref="BillingOptions.GracePeriod"/>).</summary>
    private static readonly TimeSpan GracePeriod = new BillingOptions().GracePeriod;

    private static readonly string[] ManualCategories =
        [nameof(SuspensionCategory.Abuse), nameof(SuspensionCategory.Compliance), nameof(SuspensionCategory.CustomerRequest), nameof(SuspensionCategory.Other)];

    private static readonly Weighted ManualCategoryWeights = new([0.45, 0.2, 0.25, 0.1]);

    /// <summary>Free tenants are where abuse happens.</summary>
    private static readonly Weighted FreeManualCategoryWeights = new([0.7, 0.12, 0.1, 0.08]);

    private static readonly string[] SupportAgents =
    [
        "Maria Santos", "Jonas Becker", "Aisha Khan", "Tom Whitaker", "Lucía Fernández", "Kenji Watanabe",
        "Sophie Laurent", "Daniel Osei", "Hannah Novak", "Ravi Iyer",
    ];

    private static readonly string[] AbuseReporters =
        ["Google Safe Browsing", "Netcraft", "PhishTank", "a bank's fraud team", "a customer's SOC", "our abuse mailbox", "Spamhaus"];

    /// <summary>Reasons staff give, per manual category ({0}: a reporter, where the reason names one).</summary>
    private static readonly Dictionary<string, string[]> Reasons = new(StringComparer.Ordinal)
    {
        [nameof(SuspensionCategory.Abuse)] =
        [
            "Phishing pages reported by {0}.",
            "Credential-stuffing traffic from this tenant's API keys, reported by {0}.",
            "Bulk spam sent through the tenant's outbound mail; complaint from {0}.",
            "Malware hosted in project attachments, reported by {0}.",
            "Crypto-mining jobs on shared workers; usage 40x the plan's limit.",
            "Fake storefront impersonating a known brand, reported by {0}.",
        ],
        [nameof(SuspensionCategory.Compliance)] =
        [
            "Sanctions screening hit pending review.",
            "KYC documents expired; account on hold until new ones are verified.",
            "Data processing agreement not signed after three reminders.",
            "Law-enforcement preservation request; access frozen on legal's instruction.",
            "Owner identity could not be verified after a chargeback.",
        ],
        [nameof(SuspensionCategory.CustomerRequest)] =
        [
            "Customer asked to pause the account during a migration.",
            "Owner reported a compromised admin account; locked until credentials are rotated.",
            "Customer asked to freeze the account while their company is acquired.",
            "Seasonal business: customer paused the account until next season.",
            "Customer asked to suspend access pending an internal security audit.",
        ],
        [nameof(SuspensionCategory.Other)] =
        [
            "Duplicate account of an existing customer; on hold until the accounts are merged.",
            "Tenant stuck in a failed region move; suspended until engineering finishes it.",
            "Ownership dispute between two co-founders; on hold until resolved.",
            "Owner unreachable and the domain expired; on hold pending contact.",
        ],
    };

    private static readonly Dictionary<string, string[]> LiftReasons = new(StringComparer.Ordinal)
    {
        [nameof(SuspensionCategory.Abuse)] =
        [
            "Content removed and all admin passwords rotated; verified with the owner.",
            "Compromised account cleaned up; 2FA now enforced for every admin.",
            "Report was a false positive; confirmed with the reporter.",
        ],
        [nameof(SuspensionCategory.Compliance)] =
        [
            "Review completed; the screening hit was a different entity.",
            "New documents verified.",
            "Agreement signed.",
        ],
        [nameof(SuspensionCategory.CustomerRequest)] =
        [
            "Customer asked to resume; migration finished.",
            "Credentials rotated; customer confirmed.",
            "Customer asked to resume.",
        ],
        [nameof(SuspensionCategory.Other)] =
        [
            "Resolved with the owner.",
            "Engineering finished the move.",
        ],
    };

    private static readonly char[] Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".ToCharArray();

    private readonly DateTime _now = new(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);

    /// <summary>
    /// The account of <paramref name="tenant"/>, or null when it needs none (most tenants). Sets
    /// the tenant's <see cref="DemoTenant.UpdatedAt"/> to when its status last changed.
    /// </summary>
    public DemoAccount? For(DemoTenant tenant)
    {
        switch (tenant.Status)
        {
            case TenantStatus.PastDue:
                return PastDue(tenant, Stream(tenant, AccountStream));
            case TenantStatus.Suspended:
                return Suspended(tenant, Stream(tenant, AccountStream));
            case TenantStatus.Active when (uint)DemoIds.Seed(seed, tenant.Sequence, HistoryStream) % 1000 < ActiveHistoryPerMille:
                var account = new DemoAccount(tenant.Id);
                AddHistory(account, tenant, Stream(tenant, AccountStream), _now);
                if (account.Lifted?.LiftedAt is { } lifted && lifted > tenant.UpdatedAt)
                {
                    tenant.UpdatedAt = lifted;
                }

                return account;
            default:
                return null;
        }
    }

    private Random Stream(DemoTenant tenant, int stream) => new(DemoIds.Seed(seed, tenant.Sequence, stream));

    /// <summary>Payment failed 0–6 days ago (not before sign-up); the grace period has not run out.</summary>
    private DemoAccount PastDue(DemoTenant tenant, Random r)
    {
        var since = Max(_now - Days(r, 0, 6), tenant.CreatedAt);
        tenant.UpdatedAt = since;
        return new DemoAccount(tenant.Id)
        {
            Billing = new DemoBilling(
                tenant.StripeSubscriptionId ?? throw new InvalidOperationException("A past-due demo tenant needs a subscription."),
                SubscriptionStatuses.PastDue, since, since + GracePeriod, SuspendedForBilling: false, since),
        };
    }

    private DemoAccount Suspended(DemoTenant tenant, Random r)
    {
        var account = new DemoAccount(tenant.Id);

        // A billing suspension needs a subscription and a grace period that has run out: unpaid
        // for 8–40 days (not before sign-up), suspended by the sweep minutes after the deadline.
        var latestSince = _now - GracePeriod - TimeSpan.FromDays(1);
        var billing = tenant.StripeSubscriptionId is not null && tenant.CreatedAt <= latestSince && r.NextDouble() < BillingSuspensionChance;
        DemoSuspension active;
        if (billing)
        {
            var since = Max(_now - Days(r, 8, 40), tenant.CreatedAt);
            var deadline = since + GracePeriod;
            var started = deadline + TimeSpan.FromSeconds(r.Next(5, 600));
            var reason = StripeEventProcessor.GraceExpiredReason(new TenantBilling { PastDueSince = since, GraceDeadline = deadline });
            active = new DemoSuspension(
                DemoIds.Version7(started, r), nameof(SuspensionCategory.Billing), reason, started, BillingActors.GraceSweep.Name,
                nameof(TenantStatus.PastDue), null, null, null);
            var status = r.NextDouble() < 0.5 ? SubscriptionStatuses.Unpaid : SubscriptionStatuses.PastDue;
            account.Billing = new DemoBilling(tenant.StripeSubscriptionId, status, since, deadline, SuspendedForBilling: true, started);
        }
        else
        {
            // Staff suspensions linger longer: up to half a year ago, most of them recent (not before sign-up).
            var started = Between(r, Max(_now - Days(r, 0, 180), tenant.CreatedAt), _now);
            var free = tenant.PlanId == PlanCatalog.Free;
            var category = ManualCategories[(free ? FreeManualCategoryWeights : ManualCategoryWeights).Pick(r)];
            var trialish = free && tenant.StripeCustomerId is null && r.NextDouble() < 0.25;
            active = new DemoSuspension(
                DemoIds.Version7(started, r), category, Reason(r, category), started, Pick(r, SupportAgents),
                trialish ? nameof(TenantStatus.Trial) : nameof(TenantStatus.Active), null, null, null);
        }

        account.Active = active;
        tenant.UpdatedAt = active.StartedAt;
        if (r.NextDouble() < SuspendedHistoryChance)
        {
            AddHistory(account, tenant, r, active.StartedAt);
        }

        return account;
    }

    /// <summary>
    /// An older suspension, started and lifted between sign-up and <paramref name="before"/>: a
    /// billing one (paid after the grace period ran out; the tenant keeps a billing row, paid up
    /// unless it is suspended for billing again) or a manual one lifted by staff.
    /// </summary>
    private void AddHistory(DemoAccount account, DemoTenant tenant, Random r, DateTime before)
    {
        var span = before - tenant.CreatedAt;
        if (span < TimeSpan.FromDays(20))
        {
            return; // too young for a past episode
        }

        var duration = Days(r, 0.05, 10);
        var started = tenant.CreatedAt + (span - duration - TimeSpan.FromDays(1)) * (0.2 + 0.8 * r.NextDouble());
        started = new DateTime(started.Ticks - started.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        var lifted = started + duration;
        var billable = tenant.StripeSubscriptionId is not null && started - GracePeriod - TimeSpan.FromMinutes(10) > tenant.CreatedAt;
        if (billable && r.NextDouble() < 0.6)
        {
            var deadline = started - TimeSpan.FromSeconds(r.Next(5, 600));
            var reason = StripeEventProcessor.GraceExpiredReason(new TenantBilling { PastDueSince = deadline - GracePeriod, GraceDeadline = deadline });
            account.Lifted = new DemoSuspension(
                DemoIds.Version7(started, r), nameof(SuspensionCategory.Billing), reason, started, BillingActors.GraceSweep.Name,
                nameof(TenantStatus.PastDue), lifted, BillingActors.Stripe.Name, $"Stripe reported invoice.payment_succeeded ({EventId(r)}).");
            account.Billing ??= new DemoBilling(tenant.StripeSubscriptionId, SubscriptionStatuses.Active, null, null, SuspendedForBilling: false, lifted);
        }
        else
        {
            var category = ManualCategories[ManualCategoryWeights.Pick(r)];
            account.Lifted = new DemoSuspension(
                DemoIds.Version7(started, r), category, Reason(r, category), started, Pick(r, SupportAgents),
                nameof(TenantStatus.Active), lifted, Pick(r, SupportAgents), Pick(r, LiftReasons[category]));
        }
    }

    private static string Reason(Random r, string category)
    {
        var template = Pick(r, Reasons[category]);
        return template.Contains("{0}", StringComparison.Ordinal) ? template.Replace("{0}", Pick(r, AbuseReporters), StringComparison.Ordinal) : template;
    }

    private static string EventId(Random r) =>
        string.Create(28, r, static (span, random) =>
        {
            "evt_".AsSpan().CopyTo(span);
            for (var i = 4; i < span.Length; i++)
            {
                span[i] = Base62[random.Next(Base62.Length)];
            }
        });

    /// <summary>A whole number of seconds between <paramref name="min"/> and <paramref name="max"/> days.</summary>
    private static TimeSpan Days(Random r, double min, double max) =>
        TimeSpan.FromSeconds(Math.Floor((min + (max - min) * r.NextDouble()) * 86_400));

    private static DateTime Between(Random r, DateTime from, DateTime to)
    {
        var ticks = from.Ticks + (long)((to.Ticks - from.Ticks) * r.NextDouble());
        return new DateTime(Math.Max(from.Ticks, ticks - ticks % 10), DateTimeKind.Utc);
    }

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;

    private static string Pick(Random r, string[] values) => values[r.Next(values.Length)];
}
