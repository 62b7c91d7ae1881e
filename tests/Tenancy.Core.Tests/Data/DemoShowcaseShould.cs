using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tenancy.Core.Data;
using Tenancy.Core.Data.Seeding;
using Tenancy.Core.Features.Audit;
using Tenancy.Core.Features.Plans;
using Tenancy.Core.Features.Restore;
using Tenancy.Core.Features.TenantData;
using Tenancy.Core.Features.Tenants;
using Tenancy.Core.Tests.Infrastructure;

namespace Tenancy.Core.Tests.Data;

/// <summary>
/// The zero-set-up demo has a restore to try at once: after a seed on the real clock the
/// showcase tenants' recent past is in the change log, written through the capture triggers and
/// dated before the seed, their history starts before it, the Restore tab's activity shows Acme
/// Imports' bad import as a burst, and a rewind to just before it brings the deleted projects
/// back. Rewinds here run inside a transaction that is rolled back, so every test sees the seed.
/// </summary>
public abstract class DemoShowcaseShould(TestDatabase database) : IAsyncLifetime
{
    private const int Tenants = 300;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    protected TestDatabase Database { get; } = database;

    private TenantRewind Rewind => new(Database.ContextFactory, Options.Create(new RestoreOptions()), TimeProvider.System);

    private RestoreService Service =>
        new(Database.ContextFactory, Rewind, new AuditLog(Database.ContextFactory, TimeProvider.System), new RestoreSignal(), TimeProvider.System, []);

    public ValueTask InitializeAsync() => new(Database.SeedOnceAsync("demo", async (_, cancellationToken) =>
        await new DemoDataSeeder(Database.ContextFactory, TimeProvider.System).SeedAsync(Tenants, cancellationToken), Cancellation));

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task GiveTheShowcaseTenantsTheirNames()
    {
        await using var db = Database.CreateContext();
        foreach (var showcase in DemoShowcase.All)
        {
            var tenant = await db.Tenants.AsNoTracking().SingleAsync(t => t.Slug == showcase.Slug, Cancellation);
            Assert.Equal(showcase.Name, tenant.Name);
            Assert.Equal(TenantStatus.Active, tenant.Status);
            Assert.Equal(PlanCatalog.Enterprise, tenant.PlanId);
            Assert.True(await db.TenantSlugs.AnyAsync(s => s.Slug == showcase.Slug && s.TenantId == tenant.Id, Cancellation));
        }

        Assert.Equal("Acme Imports Ltd", DemoShowcase.AcmeImports.Name);
        Assert.Equal("acme-imports", DemoShowcase.AcmeImports.Slug);
    }

    /// <summary>
    /// Each showcase tenant's history starts before its earliest change, every change lies between
    /// that start and the seed, and the rows themselves carry the same past: a row no change
    /// touched was last written before the history start.
    /// </summary>
    [Fact]
    public async Task DateTheHistoryBeforeTheSeedAndStartItEarlier()
    {
        foreach (var showcase in DemoShowcase.All)
        {
            var (tenant, start, seeded) = await ShowcaseAsync(showcase);
            Assert.InRange(seeded, DateTime.UtcNow.AddMinutes(-30), DateTime.UtcNow);

            await using var db = Database.CreateContext();
            var changes = await db.TenantChanges.AsNoTracking()
                .Where(c => c.TenantId == tenant && c.Op != TenantChangeOp.HistoryStart).OrderBy(c => c.Seq).ToListAsync(Cancellation);
            Assert.True(changes.Count > 10, $"{showcase.Slug} has {changes.Count} changes.");
            Assert.All(changes, c => Assert.InRange(c.ChangedAt, start.AddSeconds(1), seeded.AddSeconds(-1)));
            Assert.Equal(changes.Select(c => c.ChangedAt).Order(), changes.Select(c => c.ChangedAt));
            Assert.Contains(changes, c => c.ChangedAt < seeded.AddHours(-3));
            if (db.Provider == DatabaseProvider.Postgres)
            {
                // Each step wrote as one of the tenant's people, whose email the product would set as the actor.
                Assert.All(changes, c => Assert.Contains("@", c.Actor, StringComparison.Ordinal));
            }

            var touched = changes.Where(c => c.TableName == "project_items").SelectMany(c => c.Rows(db.Model)).Select(c => RowId(c.RowKey)).ToHashSet();
            var items = await db.ProjectItems.AsNoTracking().Where(i => i.TenantId == tenant).ToListAsync(Cancellation);
            Assert.All(items.Where(i => !touched.Contains(i.Id)), i => Assert.True(i.UpdatedAt <= start && i.CreatedAt <= i.UpdatedAt));
            Assert.All(items.Where(i => touched.Contains(i.Id)), i => Assert.InRange(i.UpdatedAt, start, seeded));
            var members = await db.Members.AsNoTracking().Where(m => m.TenantId == tenant).ToListAsync(Cancellation);
            Assert.All(members, m => Assert.True(m.CreatedAt <= seeded));
        }
    }

    [Fact]
    public async Task ShowTheBadImportAsABurstInTheLastDaysActivity()
    {
        var (tenant, _, seeded) = await ShowcaseAsync(DemoShowcase.AcmeImports);

        var activity = await Service.GetActivityAsync(tenant, seeded.AddDays(-1), seeded, ActivityBucket.Hour, Cancellation);

        var byHour = activity.Points.GroupBy(p => p.BucketStart).ToDictionary(g => g.Key, g => g.Sum(p => p.Changes));
        var importHour = Hour(seeded - DemoShowcaseHistory.ImportAgo);
        Assert.Equal(importHour, byHour.MaxBy(h => h.Value).Key);
        Assert.True(byHour[importHour] > byHour.Where(h => h.Key != importHour).Sum(h => h.Value), "The import outweighs the morning's work.");
        Assert.True(byHour.Keys.Count(h => h < importHour) >= 5, "The morning's work spreads over several hours.");
        Assert.Equal(
            DemoShowcaseHistory.ImportDeletedProjects,
            activity.Points.Single(p => p.BucketStart == importHour && p.Table == "projects").Changes);
        Assert.True(activity.Points.Single(p => p.BucketStart == importHour && p.Table == "project_items").Changes > DemoShowcaseHistory.ImportedRows);
    }

    [Fact]
    public async Task BringBackTheProjectsTheImportDeleted()
    {
        var (tenant, start, seeded) = await ShowcaseAsync(DemoShowcase.AcmeImports);
        var beforeImport = seeded - DemoShowcaseHistory.ImportAgo - TimeSpan.FromMinutes(1);
        var window = await Rewind.GetWindowAsync(tenant, Cancellation);
        Assert.Equal(RestoreWindowLimit.BulkLoad, window.LimitedBy);
        Assert.Equal(start, window.OldestRestorable);
        Assert.True(window.OldestRestorable < beforeImport);

        var preview = await Rewind.PreviewAsync(tenant, beforeImport, Cancellation);

        var projects = preview.Tables.Single(t => t.Table == "projects");
        var items = preview.Tables.Single(t => t.Table == "project_items");
        Assert.Equal((0, DemoShowcaseHistory.ImportDeletedProjects, 0), (projects.Deleted, projects.Reinserted, projects.Changed));
        Assert.Equal(DemoShowcaseHistory.ImportedRows, items.Deleted);
        Assert.True(items.Reinserted >= 2 * DemoShowcaseHistory.ImportDeletedProjects, $"{items.Reinserted} items come back.");
        Assert.True(items.Changed > 0);
        Assert.Equal(0, preview.Tables.Where(t => t.Table is "members" or "tenant_settings").Sum(t => t.Total));
        Assert.NotEmpty(preview.Samples["project_items"]);

        await using var db = Database.CreateContext();
        var projectsBefore = await db.Projects.CountAsync(p => p.TenantId == tenant, Cancellation);
        var itemsBefore = await db.ProjectItems.CountAsync(i => i.TenantId == tenant, Cancellation);
        await using var transaction = await db.Database.BeginTransactionAsync(Cancellation);

        var applied = await Rewind.RewindWithinAsync(db, tenant, beforeImport, "demo showcase test", Cancellation);

        Assert.Equal(preview.Tables, applied.Result.Tables);
        Assert.Equal(projectsBefore + DemoShowcaseHistory.ImportDeletedProjects, await db.Projects.CountAsync(p => p.TenantId == tenant, Cancellation));
        Assert.Equal(itemsBefore + items.Reinserted - items.Deleted, await db.ProjectItems.CountAsync(i => i.TenantId == tenant, Cancellation));
        Assert.False(await db.ProjectItems.AnyAsync(i => i.TenantId == tenant && i.Title.StartsWith(DemoShowcaseHistory.ImportedTitle), Cancellation));
        Assert.Contains(await db.Projects.Where(p => p.TenantId == tenant).Select(p => p.Name).ToListAsync(Cancellation), n => n.StartsWith("Autumn Catalogue ", StringComparison.Ordinal));
        await transaction.RollbackAsync(Cancellation);
    }

    [Fact]
    public async Task BringBackTheSeatsTheCleanUpRemoved()
    {
        var (tenant, _, seeded) = await ShowcaseAsync(DemoShowcase.BluebirdStudio);
        var beforeCleanUp = seeded - DemoShowcaseHistory.CleanUpAgo - TimeSpan.FromMinutes(1);

        var preview = await Rewind.PreviewAsync(tenant, beforeCleanUp, Cancellation);

        var members = preview.Tables.Single(t => t.Table == "members");
        Assert.True(members.Reinserted >= 2, $"{members.Reinserted} seats come back.");
        Assert.Equal(1, members.Deleted);
        Assert.Equal(3, preview.Tables.Single(t => t.Table == "project_items").Deleted);

        await using var db = Database.CreateContext();
        var seatsBefore = await db.Members.CountAsync(m => m.TenantId == tenant, Cancellation);
        await using var transaction = await db.Database.BeginTransactionAsync(Cancellation);

        await Rewind.RewindWithinAsync(db, tenant, beforeCleanUp, "demo showcase test", Cancellation);

        var seats = await db.Members.Where(m => m.TenantId == tenant).ToListAsync(Cancellation);
        Assert.Equal(seatsBefore - 1 + members.Reinserted, seats.Count);
        Assert.Contains(seats, m => m.Role == MemberRole.Member);
        Assert.Equal(seats.Count, seats.Select(m => m.Email).Distinct().Count());
        await transaction.RollbackAsync(Cancellation);
    }

    /// <summary>The showcase tenant's id, its history start, and the seed's clock (whole seconds) that its history is dated from.</summary>
    private async Task<(Guid Tenant, DateTime Start, DateTime Seeded)> ShowcaseAsync(DemoShowcaseTenant showcase)
    {
        await using var db = Database.CreateContext();
        var tenant = await db.Tenants.Where(t => t.Slug == showcase.Slug).Select(t => t.Id).SingleAsync(Cancellation);
        var start = DateTime.SpecifyKind(
            await db.TenantChanges.Where(c => c.TenantId == tenant && c.Op == TenantChangeOp.HistoryStart).Select(c => c.ChangedAt).SingleAsync(Cancellation),
            DateTimeKind.Utc);
        return (tenant, start, start + showcase.HistoryLength);
    }

    private static Guid RowId(string rowKey)
    {
        using var key = JsonDocument.Parse(rowKey);
        return key.RootElement.GetProperty("id").GetGuid();
    }

    private static DateTime Hour(DateTime time) => new(time.Year, time.Month, time.Day, time.Hour, 0, 0, DateTimeKind.Utc);
}

public sealed class DemoShowcaseShouldOnPostgres(PostgresDatabase database)
    : DemoShowcaseShould(database), IClassFixture<PostgresDatabase>;

public sealed class DemoShowcaseShouldOnSqlite(SqliteDatabase database)
    : DemoShowcaseShould(database), IClassFixture<SqliteDatabase>;
