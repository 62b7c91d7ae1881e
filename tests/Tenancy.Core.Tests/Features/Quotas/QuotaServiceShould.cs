using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Tenancy.Core.Features.Audit;
using Tenancy.Core.Features.Plans;
using Tenancy.Core.Features.Quotas;
using Tenancy.Core.Features.Staff;
using Tenancy.Core.Features.Tenants;
using Tenancy.Core.Features.Usage;
using Tenancy.Core.Tests.Infrastructure;
using static Tenancy.Core.Tests.Features.Quotas.QuotaTestData;

namespace Tenancy.Core.Tests.Features.Quotas;

/// <summary>The staff side: effective limits, validation, concurrency, confirmation, audit and roles.</summary>
public abstract class QuotaServiceShould(TestDatabase database)
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 3, 10, 9, 0, 0, TimeSpan.Zero));

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private QuotaService Quotas => Service(database, clock);

    [Fact]
    public async Task ResolveEveryLimitFromThePlanWhenThereAreNoOverrides()
    {
        var tenant = await CreateTenantAsync(database, PlanCatalog.Free, members: 2, projects: 1, itemSizes: [250_000_000, 250_000_000]);

        var quotas = await Quotas.GetAsync(tenant, Cancellation);

        Assert.NotNull(quotas);
        Assert.Equal(0, quotas.Version);
        Assert.Equal(PlanCatalog.Free, quotas.PlanId);
        Assert.Equal("2026-03", quotas.Period);
        Assert.Equal(Enum.GetValues<QuotaMetric>(), quotas.Lines.Select(l => l.Metric));
        Assert.All(quotas.Lines, l => Assert.Equal((QuotaSource.Plan, QuotaOverride.Inherit, l.PlanLimit), (l.Source, l.Override, l.EffectiveLimit)));
        Assert.Equal((3L, 2L), (quotas[QuotaMetric.Seats].EffectiveLimit, quotas[QuotaMetric.Seats].Usage));
        // One project of its own and one holding the items.
        Assert.Equal((3L, 2L), (quotas[QuotaMetric.Projects].EffectiveLimit, quotas[QuotaMetric.Projects].Usage));
        Assert.Equal(500_000_000, quotas[QuotaMetric.StorageBytes].Usage);
        Assert.Equal(50.0, quotas[QuotaMetric.StorageBytes].PercentUsed);
        Assert.Equal(0, quotas[QuotaMetric.ApiRequestsPerMonth].Usage);
        Assert.Null(quotas[QuotaMetric.ApiRequestsPerSecond].Usage);
        Assert.Null(quotas[QuotaMetric.ApiRequestsPerSecond].PercentUsed);
    }

    [Fact]
    public async Task ReadMonthlyUsageFromThisMonthsCounter()
    {
        var tenant = await CreateTenantAsync(database);
        await using (var db = database.CreateContext())
        {
            var now = clock.GetUtcNow().UtcDateTime;
            await UsageCounters.ConsumeAsync(db, tenant, QuotaMetric.ApiRequestsPerMonth, "2026-02", 9_000, now, Cancellation);
            await UsageCounters.ConsumeAsync(db, tenant, QuotaMetric.ApiRequestsPerMonth, "2026-03", 2_500, now, Cancellation);
        }

        var line = (await Quotas.GetAsync(tenant, Cancellation))![QuotaMetric.ApiRequestsPerMonth];

        Assert.Equal((2_500L, 10_000L, 25.0), (line.Usage, line.EffectiveLimit, line.PercentUsed));
    }

    [Fact]
    public async Task LetAnOverrideWinOverThePlanAndUnlimitedMeanNoLimit()
    {
        var tenant = await CreateTenantAsync(database, PlanCatalog.Free, members: 2);

        var result = await Quotas.UpdateAsync(Support, tenant, 0, new Dictionary<QuotaMetric, QuotaOverride>
        {
            [QuotaMetric.Seats] = QuotaOverride.To(25),
            [QuotaMetric.StorageBytes] = QuotaOverride.Unlimited,
        }, Reason, cancellationToken: Cancellation);

        var quotas = result.Quotas;
        Assert.Equal(1, quotas.Version);
        Assert.Equal((3L, QuotaOverride.To(25), 25L, QuotaSource.Override), Describe(quotas[QuotaMetric.Seats]));
        Assert.Equal(8.0, quotas[QuotaMetric.Seats].PercentUsed);
        Assert.Equal((1 * QuotaMetrics.GB, QuotaOverride.Unlimited, (long?)null, QuotaSource.Override), Describe(quotas[QuotaMetric.StorageBytes]));
        Assert.True(quotas[QuotaMetric.StorageBytes].IsUnlimited);
        Assert.Null(quotas[QuotaMetric.StorageBytes].PercentUsed);
        Assert.Equal((3L, QuotaOverride.Inherit, 3L, QuotaSource.Plan), Describe(quotas[QuotaMetric.Projects]));
        Assert.Equal([QuotaMetric.Seats, QuotaMetric.StorageBytes], result.Changes.Select(c => c.Metric));
        Assert.Equal(quotas, await Quotas.GetAsync(tenant, Cancellation), QuotasComparer.Instance);
    }

    [Fact]
    public async Task GoBackToThePlanWhenAnOverrideIsRemoved()
    {
        var tenant = await CreateTenantAsync(database, PlanCatalog.Starter);
        await Quotas.UpdateAsync(Support, tenant, 0, Set(QuotaMetric.Projects, QuotaOverride.To(100)), Reason, cancellationToken: Cancellation);

        var result = await Quotas.UpdateAsync(Support, tenant, 1, Set(QuotaMetric.Projects, QuotaOverride.Inherit), Reason, cancellationToken: Cancellation);

        Assert.Equal((25L, QuotaOverride.Inherit, 25L, QuotaSource.Plan), Describe(result.Quotas[QuotaMetric.Projects]));
        Assert.Equal(2, result.Quotas.Version);
        await using var db = database.CreateContext();
        Assert.Empty((await db.TenantQuotaSets.SingleAsync(s => s.TenantId == tenant, Cancellation)).Overrides);
    }

    [Fact]
    public async Task PreviewAndApplyAPlanChangeKeepingOverrides()
    {
        var tenant = await CreateTenantAsync(database, PlanCatalog.Free, members: 1);
        await Quotas.UpdateAsync(Support, tenant, 0, Set(QuotaMetric.Seats, QuotaOverride.To(7)), Reason, cancellationToken: Cancellation);

        var preview = await Quotas.PreviewPlanChangeAsync(tenant, PlanCatalog.Professional, Cancellation);
        var result = await Quotas.ChangePlanAsync(Admin, tenant, PlanCatalog.Professional, "Upgraded after sales call", 1, cancellationToken: Cancellation);

        Assert.Equal((PlanCatalog.Free, PlanCatalog.Professional, 1), (preview.FromPlanId, preview.ToPlanId, preview.Version));
        // Seats stay at the override; every other limit follows the plan.
        Assert.DoesNotContain(preview.Changes, c => c.Metric == QuotaMetric.Seats);
        var projects = preview.Changes.Single(c => c.Metric == QuotaMetric.Projects);
        Assert.Equal((3L, 250L, QuotaSource.Plan), (projects.Before, projects.After, projects.AfterSource));
        Assert.Equal(5, preview.Changes.Count);
        Assert.Equal(PlanCatalog.Professional, result.Quotas.PlanId);
        Assert.Equal(2, result.Quotas.Version);
        Assert.Equal(7, result.Quotas[QuotaMetric.Seats].EffectiveLimit);
        Assert.Equal(250, result.Quotas[QuotaMetric.Projects].EffectiveLimit);
        Assert.Equal(preview.Changes, result.Changes);

        var entry = (await new AuditLog(database.ContextFactory, clock).BrowseAsync(new AuditQuery { TenantId = tenant, Action = QuotaService.PlanChangedAction }, Cancellation)).Items.Single();
        Assert.Equal("Upgraded after sales call", entry.Reason);
        Assert.Equal(PlanCatalog.Free, JsonDocument.Parse(entry.Before!).RootElement.GetProperty("plan").GetString());
        var after = JsonDocument.Parse(entry.After!).RootElement;
        Assert.Equal(PlanCatalog.Professional, after.GetProperty("plan").GetString());
        Assert.Equal(250, after.GetProperty("limits").GetProperty("Projects").GetProperty("limit").GetInt64());
    }

    [Fact]
    public async Task RefuseAPlanChangeToTheSameOrAnUnknownPlan()
    {
        var tenant = await CreateTenantAsync(database, PlanCatalog.Starter);

        var same = await Assert.ThrowsAsync<QuotaValidationException>(() => Quotas.ChangePlanAsync(Support, tenant, PlanCatalog.Starter, Reason, 0, cancellationToken: Cancellation));
        var unknown = await Assert.ThrowsAsync<QuotaValidationException>(() => Quotas.ChangePlanAsync(Support, tenant, "platinum", Reason, 0, cancellationToken: Cancellation));

        Assert.Contains("already on the Starter plan", same.Message, StringComparison.Ordinal);
        Assert.Contains("no plan 'platinum'", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AskForConfirmationBeforeAPlanDowngradeBelowUsage()
    {
        var tenant = await CreateTenantAsync(database, PlanCatalog.Starter, members: 5);

        var refused = await Assert.ThrowsAsync<QuotaBelowUsageException>(() =>
            Quotas.ChangePlanAsync(Support, tenant, PlanCatalog.Free, "Downgrade requested by owner", 0, cancellationToken: Cancellation));
        var result = await Quotas.ChangePlanAsync(Support, tenant, PlanCatalog.Free, "Downgrade requested by owner", 0, confirmBelowUsage: true, cancellationToken: Cancellation);

        Assert.Equal([QuotaMetric.Seats], refused.BelowUsage.Select(c => c.Metric));
        Assert.Equal(PlanCatalog.Free, result.Quotas.PlanId);
        Assert.True(result.Quotas[QuotaMetric.Seats].OverLimit);
    }

    public static TheoryData<QuotaMetric> Metrics { get; } = [.. Enum.GetValues<QuotaMetric>()];

    [Theory]
    [MemberData(nameof(Metrics))]
    public async Task RefuseOutOfBoundLimitsWithoutWritingAnything(QuotaMetric metric)
    {
        var tenant = await CreateTenantAsync(database);
        var max = metric.Info().MaxLimit;

        var negative = await Assert.ThrowsAsync<QuotaValidationException>(() =>
            Quotas.UpdateAsync(Support, tenant, 0, Set(metric, QuotaOverride.To(-5)), Reason, cancellationToken: Cancellation));
        var tooLarge = await Assert.ThrowsAsync<QuotaValidationException>(() =>
            Quotas.UpdateAsync(Support, tenant, 0, Set(metric, QuotaOverride.To(max + 1)), Reason, cancellationToken: Cancellation));
        var atBound = await Quotas.UpdateAsync(Support, tenant, 0, Set(metric, QuotaOverride.To(max)), Reason, cancellationToken: Cancellation);

        Assert.Equal(metric, Assert.Single(negative.Errors).Metric);
        Assert.Contains(metric.Info().Label, negative.Message, StringComparison.Ordinal);
        Assert.Equal(metric, Assert.Single(tooLarge.Errors).Metric);
        Assert.Contains("at most", tooLarge.Message, StringComparison.Ordinal);
        Assert.Equal(max, atBound.Quotas[metric].EffectiveLimit);
        Assert.Single(await AuditEntriesAsync(tenant));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("because")]
    public async Task RequireAReason(string? reason)
    {
        var tenant = await CreateTenantAsync(database);

        var refused = await Assert.ThrowsAsync<QuotaValidationException>(() =>
            Quotas.UpdateAsync(Support, tenant, 0, Set(QuotaMetric.Seats, QuotaOverride.To(10)), reason!, cancellationToken: Cancellation));

        Assert.Contains("reason of at least 10 characters", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, (await Quotas.GetAsync(tenant, Cancellation))!.Version);
    }

    [Fact]
    public async Task RefuseTheSecondOfTwoConcurrentEditsWithTheCurrentValues()
    {
        var tenant = await CreateTenantAsync(database, PlanCatalog.Starter);
        await Quotas.UpdateAsync(Admin, tenant, 0, Set(QuotaMetric.Seats, QuotaOverride.To(12)), Reason, cancellationToken: Cancellation);

        // Both load version 1.
        var sam = Service(database, clock);
        var ada = Service(database, clock);
        var samLoaded = await sam.GetAsync(tenant, Cancellation);
        var adaLoaded = await ada.GetAsync(tenant, Cancellation);
        Assert.Equal((1, 1), (samLoaded!.Version, adaLoaded!.Version));

        await sam.UpdateAsync(Support, tenant, samLoaded.Version, Set(QuotaMetric.Seats, QuotaOverride.To(40)), "Sam raises seats for the trial", cancellationToken: Cancellation);
        var conflict = await Assert.ThrowsAsync<QuotaConflictException>(() =>
            ada.UpdateAsync(Admin, tenant, adaLoaded.Version, Set(QuotaMetric.Seats, QuotaOverride.To(15)), "Ada sets seats from the contract", cancellationToken: Cancellation));

        Assert.Equal(1, conflict.ExpectedVersion);
        Assert.Equal(2, conflict.Current.Version);
        Assert.Equal(QuotaOverride.To(40), conflict.Current[QuotaMetric.Seats].Override);
        Assert.Equal(40, conflict.Current[QuotaMetric.Seats].EffectiveLimit);
        Assert.Contains("Nothing was saved", conflict.Message, StringComparison.Ordinal);
        var now = await Quotas.GetAsync(tenant, Cancellation);
        Assert.Equal((2, 40L), (now!.Version, now[QuotaMetric.Seats].EffectiveLimit));
        Assert.DoesNotContain(await AuditEntriesAsync(tenant), e => e.Reason == "Ada sets seats from the contract");
    }

    [Fact]
    public async Task RefuseAStaleVersionEvenForAPlanChange()
    {
        var tenant = await CreateTenantAsync(database, PlanCatalog.Starter);
        await Quotas.UpdateAsync(Support, tenant, 0, Set(QuotaMetric.Seats, QuotaOverride.To(12)), Reason, cancellationToken: Cancellation);

        var conflict = await Assert.ThrowsAsync<QuotaConflictException>(() =>
            Quotas.ChangePlanAsync(Support, tenant, PlanCatalog.Professional, Reason, expectedVersion: 0, cancellationToken: Cancellation));

        Assert.Equal(PlanCatalog.Starter, conflict.Current.PlanId);
        Assert.Equal(PlanCatalog.Starter, (await Quotas.GetAsync(tenant, Cancellation))!.PlanId);
    }

    [Fact]
    public async Task TurnARaceLostInTheDatabaseIntoAConflict()
    {
        // Two first edits at once: the loser either fails the version check or, when both passed
        // it, collides with the winner's new quota set in the database. Either way it gets a
        // conflict and writes nothing.
        for (var round = 0; round < 5; round++)
        {
            var tenant = await CreateTenantAsync(database);
            var first = Service(database, clock).UpdateAsync(Support, tenant, 0, Set(QuotaMetric.Seats, QuotaOverride.To(10)), "First of two at once", cancellationToken: Cancellation);
            var second = Service(database, clock).UpdateAsync(Admin, tenant, 0, Set(QuotaMetric.Projects, QuotaOverride.To(10)), "Second of two at once", cancellationToken: Cancellation);

            var outcomes = await Task.WhenAll(Outcome(first), Outcome(second));

            Assert.Single(outcomes, o => o is null);
            Assert.IsType<QuotaConflictException>(Assert.Single(outcomes, o => o is not null));
            var quotas = await Quotas.GetAsync(tenant, Cancellation);
            Assert.Equal(1, quotas!.Version);
            Assert.Single(quotas.Lines, l => l.Source == QuotaSource.Override);
            Assert.Single(await AuditEntriesAsync(tenant));
        }

        static async Task<Exception?> Outcome(Task task)
        {
            try
            {
                await task;
                return null;
            }
            catch (Exception ex)
            {
                return ex;
            }
        }
    }

    [Fact]
    public async Task WriteOneAuditEntryPerSaveWithBeforeAfterAndReason()
    {
        var tenant = await CreateTenantAsync(database, PlanCatalog.Free);

        await Quotas.UpdateAsync(Support, tenant, 0, new Dictionary<QuotaMetric, QuotaOverride>
        {
            [QuotaMetric.Seats] = QuotaOverride.To(20),
            [QuotaMetric.StorageBytes] = QuotaOverride.Unlimited,
            [QuotaMetric.Projects] = QuotaOverride.Inherit, // unchanged: not in the entry
        }, "  Pilot project for Q2  ", cancellationToken: Cancellation);

        var entry = Assert.Single(await AuditEntriesAsync(tenant));
        Assert.Equal(QuotaService.QuotaChangedAction, entry.Action);
        Assert.Equal(("sub-sam", "Pilot project for Q2"), (entry.ActorSubject, entry.Reason));
        Assert.Equal(
            """{"Seats":{"override":"inherit","limit":3,"source":"plan"},"StorageBytes":{"override":"inherit","limit":1000000000,"source":"plan"}}""",
            entry.Before);
        Assert.Equal(
            """{"Seats":{"override":20,"limit":20,"source":"override"},"StorageBytes":{"override":"unlimited","limit":"unlimited","source":"override"}}""",
            entry.After);
    }

    [Fact]
    public async Task WriteNothingWhenNothingChanges()
    {
        var tenant = await CreateTenantAsync(database, PlanCatalog.Free);

        var result = await Quotas.UpdateAsync(Support, tenant, 0, Set(QuotaMetric.Seats, QuotaOverride.Inherit), Reason, cancellationToken: Cancellation);

        Assert.Empty(result.Changes);
        Assert.Equal(0, result.Quotas.Version);
        Assert.Empty(await AuditEntriesAsync(tenant));
    }

    [Fact]
    public async Task RefuseViewersAndLetSupportAndAdminsEdit()
    {
        var tenant = await CreateTenantAsync(database);

        var refused = await Assert.ThrowsAsync<StaffForbiddenException>(() =>
            Quotas.UpdateAsync(Viewer, tenant, 0, Set(QuotaMetric.Seats, QuotaOverride.To(5)), Reason, cancellationToken: Cancellation));
        var refusedPlan = await Assert.ThrowsAsync<StaffForbiddenException>(() =>
            Quotas.ChangePlanAsync(Viewer, tenant, PlanCatalog.Starter, Reason, 0, cancellationToken: Cancellation));
        await Quotas.UpdateAsync(Support, tenant, 0, Set(QuotaMetric.Seats, QuotaOverride.To(5)), Reason, cancellationToken: Cancellation);
        await Quotas.UpdateAsync(Admin, tenant, 1, Set(QuotaMetric.Seats, QuotaOverride.To(6)), Reason, cancellationToken: Cancellation);

        Assert.Equal(StaffCapability.EditQuotas, refused.Capability);
        Assert.Equal(StaffCapability.EditQuotas, refusedPlan.Capability);
        Assert.Contains("may not edit quotas", refused.Message, StringComparison.Ordinal);
        var quotas = await Quotas.GetAsync(tenant, Cancellation);
        Assert.Equal((2, 6L), (quotas!.Version, quotas[QuotaMetric.Seats].EffectiveLimit));
        Assert.Equal(["sub-ada", "sub-sam"], (await AuditEntriesAsync(tenant)).Select(e => e.ActorSubject).Order());
    }

    [Fact]
    public async Task AskForConfirmationBeforeALimitBelowUsage()
    {
        var tenant = await CreateTenantAsync(database, PlanCatalog.Starter, members: 6, projects: 2);
        var changes = new Dictionary<QuotaMetric, QuotaOverride>
        {
            [QuotaMetric.Seats] = QuotaOverride.To(4),
            [QuotaMetric.Projects] = QuotaOverride.To(2), // equal to usage: not below
        };

        var preview = await Quotas.PreviewUpdateAsync(tenant, changes, Cancellation);
        var refused = await Assert.ThrowsAsync<QuotaBelowUsageException>(() =>
            Quotas.UpdateAsync(Support, tenant, 0, changes, Reason, cancellationToken: Cancellation));
        Assert.Equal(0, (await Quotas.GetAsync(tenant, Cancellation))!.Version);
        var confirmed = await Quotas.UpdateAsync(Support, tenant, 0, changes, Reason, confirmBelowUsage: true, cancellationToken: Cancellation);

        Assert.Equal([QuotaMetric.Seats], preview.Where(c => c.BelowUsage).Select(c => c.Metric));
        await Assert.ThrowsAsync<QuotaValidationException>(() =>
            Quotas.PreviewUpdateAsync(tenant, Set(QuotaMetric.Seats, QuotaOverride.To(-1)), Cancellation));
        var seats = Assert.Single(refused.BelowUsage);
        Assert.Equal((QuotaMetric.Seats, 10L, 4L, 6L), (seats.Metric, seats.Before, seats.After, seats.Usage));
        Assert.Equal(
            "Seats: the new limit 4 seats is below current usage 6 seats. New usage will be blocked, existing data is kept. Confirm to save.",
            refused.Message);
        Assert.Equal([QuotaMetric.Seats], confirmed.BelowUsage.Select(c => c.Metric));
        Assert.True(confirmed.Quotas[QuotaMetric.Seats].OverLimit);
        Assert.Equal(150.0, confirmed.Quotas[QuotaMetric.Seats].PercentUsed);
        Assert.Single(await AuditEntriesAsync(tenant));
    }

    [Fact]
    public async Task AnswerNullForAnUnknownTenant()
    {
        Assert.Null(await Quotas.GetAsync(Guid.CreateVersion7(), Cancellation));
        await Assert.ThrowsAsync<KeyNotFoundException>(() =>
            Quotas.UpdateAsync(Support, Guid.CreateVersion7(), 0, Set(QuotaMetric.Seats, QuotaOverride.To(1)), Reason, cancellationToken: Cancellation));
    }

    private static (long? Plan, QuotaOverride Override, long? Effective, QuotaSource Source) Describe(QuotaLine line) =>
        (line.PlanLimit, line.Override, line.EffectiveLimit, line.Source);

    private async Task<IReadOnlyList<AuditEntry>> AuditEntriesAsync(Guid tenant) =>
        (await new AuditLog(database.ContextFactory, clock).BrowseAsync(new AuditQuery { TenantId = tenant }, Cancellation)).Items;

    /// <summary>Compares two <see cref="TenantQuotas"/> by value, lines included.</summary>
    private sealed class QuotasComparer : IEqualityComparer<TenantQuotas?>
    {
        public static readonly QuotasComparer Instance = new();

        public bool Equals(TenantQuotas? x, TenantQuotas? y) =>
            x is not null && y is not null && x with { Lines = [] } == y with { Lines = [] } && x.Lines.SequenceEqual(y.Lines);

        public int GetHashCode(TenantQuotas? obj) => obj?.TenantId.GetHashCode() ?? 0;
    }
}

public sealed class QuotaServiceShouldOnPostgres(PostgresDatabase database)
    : QuotaServiceShould(database), IClassFixture<PostgresDatabase>;

public sealed class QuotaServiceShouldOnSqlite(SqliteDatabase database)
    : QuotaServiceShould(database), IClassFixture<SqliteDatabase>;
