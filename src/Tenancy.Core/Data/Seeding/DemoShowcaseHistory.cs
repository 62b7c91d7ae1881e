using Microsoft.EntityFrameworkCore;
using Tenancy.Core.Features.Restore;
using Tenancy.Core.Features.TenantData;

namespace Tenancy.Core.Data.Seeding;

/// <summary>
/// Gives the showcase tenants (<see cref="DemoShowcase"/>) a recent past that a restore can
/// rewind, right after the bulk load: ordinary work over the hours before the seed and one
/// mistake, each step a real write through EF Core in its own transaction, so the capture
/// triggers log it as they log any write (before-images, keys, on PostgreSQL the transaction
/// and the actor). First the tenant's history start (decision 0005) moves back to the time its
/// loaded data is as of (<see cref="DemoShowcaseTenant.HistoryLength"/> before the seed), earlier
/// than every step, so a restore may reach "before the mistake". The triggers stamp their rows
/// with the database's clock, so each step then moves its own rows of the change log to the
/// step's moment before it commits; the rows the step wrote carry that moment too.
/// </summary>
/// <remarks>
/// A tenant gets its history once: only when its change log holds nothing but the load's
/// history start. Moments are relative to the seed's clock; the steps run in time order, so
/// each row's changes keep increasing <c>seq</c> with increasing <c>changed_at</c>. On
/// PostgreSQL the weekly partitions from the history start on are created first where missing
/// (<see cref="TenantChangePartitions.EnsureFunction"/>); a week that already sent rows to the
/// default partition keeps using it.
/// </remarks>
internal sealed class DemoShowcaseHistory(IDbContextFactory<TenancyDbContext> contextFactory, DateTime now)
{
    /// <summary>What the bad CSV import wrote over Acme Imports' item titles.</summary>
    public const string ImportedTitle = "products_export.csv";

    /// <summary>Items the bad import created from the CSV's rows.</summary>
    public const int ImportedRows = 24;

    /// <summary>Projects the bad import deleted, with their items: the oldest ones.</summary>
    public const int ImportDeletedProjects = 3;

    /// <summary>How long before the seed the bad import ran.</summary>
    public static readonly TimeSpan ImportAgo = new(1, 2, 0);

    /// <summary>How long before the seed Bluebird Studio's seat clean-up removed its Member and Guest seats.</summary>
    public static readonly TimeSpan CleanUpAgo = new(20, 5, 0);

    private const int HistoryStream = 7;

    private readonly IDbContextFactory<TenancyDbContext> _contextFactory = contextFactory;
    private readonly DateTime _now = new(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
    private long _changes;

    /// <summary>Writes the history of each showcase tenant that was loaded and has none yet; returns the change-log rows written.</summary>
    public async Task<long> WriteAsync(CancellationToken cancellationToken)
    {
        var pending = new List<(DemoShowcaseTenant Showcase, Guid Id)>();
        DatabaseProvider provider;
        await using (var db = await _contextFactory.CreateDbContextAsync(cancellationToken))
        {
            provider = db.Provider;
            var slugs = DemoShowcase.All.Select(s => s.Slug).ToList();
            var tenants = await db.Tenants.AsNoTracking().Where(t => slugs.Contains(t.Slug)).Select(t => new { t.Id, t.Slug }).ToListAsync(cancellationToken);
            foreach (var tenant in tenants)
            {
                var ops = await db.TenantChanges.AsNoTracking().Where(c => c.TenantId == tenant.Id).Select(c => c.Op).Distinct().ToListAsync(cancellationToken);
                if (ops is [TenantChangeOp.HistoryStart])
                {
                    pending.Add((DemoShowcase.All.Single(s => s.Slug == tenant.Slug), tenant.Id));
                }
            }
        }

        foreach (var (showcase, tenant) in pending)
        {
            // The history start first: the loaded data is as of then, and every step comes after it.
            var start = _now - showcase.HistoryLength;
            await using (var db = await _contextFactory.CreateDbContextAsync(cancellationToken))
            {
                if (provider == DatabaseProvider.Postgres)
                {
                    await db.Database.ExecuteSqlRawAsync(
                        $"SELECT {TenantChangePartitions.EnsureFunction}({{0}}, {{1}})",
                        [start, (int)(showcase.HistoryLength.TotalDays / 7) + 1],
                        cancellationToken);
                }

                var at = ChangeCaptureSql.LogTime(provider, start);
                await db.Database.ExecuteSqlAsync(
                    $"UPDATE tenant_changes SET changed_at = {at} WHERE tenant_id = {tenant} AND op = 'L'", cancellationToken);
            }

            var steps = new Steps(this, tenant, new Random(DemoIds.Seed(DemoDataSeeder.Seed, showcase.Sequence, HistoryStream)), cancellationToken);
            await (showcase == DemoShowcase.AcmeImports ? AcmeImportsAsync(steps, cancellationToken)
                : showcase == DemoShowcase.BluebirdStudio ? BluebirdStudioAsync(steps, cancellationToken)
                : throw new InvalidOperationException($"No history is written for the showcase tenant {showcase.Slug}."));
        }

        return _changes;
    }

    /// <summary>
    /// A catalogue project started in the morning, files uploaded, renamed and replaced, a new
    /// colleague invited and promoted, settings changed; then a CSV import an hour before the
    /// seed overwrote every remaining item, added a row per CSV line and deleted the three
    /// oldest projects with their items, in one transaction.
    /// </summary>
    private static async Task AcmeImportsAsync(Steps steps, CancellationToken cancellationToken)
    {
        var tenant = steps.Tenant;
        var (owner, admin) = await steps.PeopleAsync();
        var generated = await steps.ProjectsAsync();
        var priya = "priya.shah@" + DemoShowcase.AcmeImports.CompanyDomain;
        var catalogue = Guid.Empty;

        await steps.RunAsync(new(8, 50, 12), owner, (db, at) =>
        {
            catalogue = steps.NewId(at);
            db.Projects.Add(new Project { TenantId = tenant, Id = catalogue, Name = "Autumn Catalogue", CreatedAt = at, UpdatedAt = at });
            steps.AddItems(db, catalogue, at, ("supplier-price-list.xlsx", 184_320), ("catalogue-draft.pdf", 2_310_144), ("product-photos.zip", 48_234_496));
            return Task.CompletedTask;
        });

        await steps.RunAsync(new(8, 9, 40), admin, async (db, at) =>
        {
            var item = await db.ProjectItems.Where(i => i.TenantId == tenant && i.ProjectId == generated[0])
                .OrderByDescending(i => i.UpdatedAt).ThenBy(i => i.Id).FirstOrDefaultAsync(cancellationToken);
            if (item is not null)
            {
                item.SizeBytes += item.SizeBytes / 8 + 4_096;
                item.UpdatedAt = at;
            }
        });

        await steps.RunAsync(new(7, 24, 5), owner, (db, at) =>
        {
            db.Members.Add(new Member { TenantId = tenant, Id = steps.NewId(at), Email = priya, Name = "Priya Shah", Role = MemberRole.Member, CreatedAt = at });
            return Task.CompletedTask;
        });

        await steps.RunAsync(new(6, 41, 33), admin, async (db, at) =>
        {
            var project = generated.Count > 1 ? generated[1] : generated[0];
            foreach (var item in await db.ProjectItems.Where(i => i.TenantId == tenant && i.ProjectId == project).OrderBy(i => i.Id).Take(2).ToListAsync(cancellationToken))
            {
                item.Title = WithSuffix(item.Title, "-signed");
                item.UpdatedAt = at;
            }
        });

        await steps.RunAsync(new(5, 56, 18), owner, async (db, at) =>
        {
            await steps.SetAsync(db, "notifications.digest", "daily", at);
            await steps.SetAsync(db, "week_start", "monday", at);
        });

        await steps.RunAsync(new(5, 4, 51), priya, (db, at) =>
        {
            steps.AddItems(
                db, catalogue, at,
                ("garden-furniture.pdf", 1_482_752), ("kitchenware.pdf", 1_203_200), ("lighting.pdf", 987_136), ("order-form.docx", 58_368));
            return Task.CompletedTask;
        });

        await steps.RunAsync(new(4, 11, 2), owner, async (db, at) =>
        {
            var member = await db.Members.SingleAsync(m => m.TenantId == tenant && m.Email == priya, cancellationToken);
            member.Role = MemberRole.Admin;
        });

        await steps.RunAsync(new(3, 18, 47), admin, async (db, at) =>
        {
            var oldest = await db.ProjectItems.Where(i => i.TenantId == tenant && i.ProjectId == generated[0])
                .OrderBy(i => i.CreatedAt).ThenBy(i => i.Id).FirstOrDefaultAsync(cancellationToken);
            if (oldest is not null)
            {
                db.ProjectItems.Remove(oldest);
            }
        });

        await steps.RunAsync(new(2, 36, 9), priya, async (db, at) =>
        {
            var project = await db.Projects.SingleAsync(p => p.TenantId == tenant && p.Id == catalogue, cancellationToken);
            project.Name = $"Autumn Catalogue {at.Year}";
            project.UpdatedAt = at;
        });

        await steps.RunAsync(new(1, 41, 26), admin, (db, at) =>
        {
            steps.AddItems(db, generated[^1], at, ("customs-declaration.pdf", 212_992), ("freight-invoice.pdf", 96_256));
            return Task.CompletedTask;
        });

        // The bad import: bulk statements, as an import tool writes.
        var doomed = generated.Take(ImportDeletedProjects).ToList();
        await steps.RunAsync(ImportAgo, priya + " (CSV import)", async (db, at) =>
        {
            await db.ProjectItems.Where(i => i.TenantId == tenant && !doomed.Contains(i.ProjectId))
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.Title, ImportedTitle).SetProperty(i => i.SizeBytes, 0L).SetProperty(i => i.UpdatedAt, at), cancellationToken);
            await db.ProjectItems.Where(i => i.TenantId == tenant && doomed.Contains(i.ProjectId)).ExecuteDeleteAsync(cancellationToken);
            await db.Projects.Where(p => p.TenantId == tenant && doomed.Contains(p.Id)).ExecuteDeleteAsync(cancellationToken);
            steps.AddItems(db, catalogue, at, Enumerable.Range(1, ImportedRows).Select(n => ($"{ImportedTitle} (row {n})", 0L)).ToArray());
        });
    }

    /// <summary>
    /// Files added and a project renamed yesterday; then a seat clean-up about twenty hours before
    /// the seed that removed every Member and Guest seat instead of the guests only; this morning
    /// one of them re-invited and more work done, which a restore to before the clean-up undoes too.
    /// </summary>
    private static async Task BluebirdStudioAsync(Steps steps, CancellationToken cancellationToken)
    {
        var tenant = steps.Tenant;
        var (owner, admin) = await steps.PeopleAsync();
        var generated = await steps.ProjectsAsync();
        var removed = new List<Member>();

        await steps.RunAsync(new(26, 4, 40), owner, (db, at) =>
        {
            steps.AddItems(db, generated[0], at, ("moodboard.png", 3_145_728), ("client-brief.pdf", 402_432), ("storyboard-v1.pdf", 6_291_456));
            return Task.CompletedTask;
        });

        await steps.RunAsync(new(25, 12, 3), admin, async (db, at) =>
        {
            var newest = generated[^1];
            var project = await db.Projects.SingleAsync(p => p.TenantId == tenant && p.Id == newest, cancellationToken);
            project.Name += " (client review)";
            project.UpdatedAt = at;
        });

        await steps.RunAsync(new(23, 38, 21), owner, (db, at) => steps.SetAsync(db, "notifications.digest", "weekly", at));

        await steps.RunAsync(CleanUpAgo, admin, async (db, at) =>
        {
            var seats = db.Members.Where(m => m.TenantId == tenant && (m.Role == MemberRole.Member || m.Role == MemberRole.Guest));
            removed.AddRange(await seats.AsNoTracking().OrderBy(m => m.Id).ToListAsync(cancellationToken));
            await seats.ExecuteDeleteAsync(cancellationToken);
        });

        await steps.RunAsync(new(5, 19, 55), admin, (db, at) =>
        {
            if (removed.Count > 0)
            {
                db.Members.Add(new Member { TenantId = tenant, Id = steps.NewId(at), Email = removed[0].Email, Name = removed[0].Name, Role = MemberRole.Member, CreatedAt = at });
            }

            return Task.CompletedTask;
        });

        await steps.RunAsync(new(4, 16, 30), owner, (db, at) =>
        {
            steps.AddItems(db, generated[0], at, ("storyboard-v2.pdf", 6_553_600), ("animatic.mp4", 94_371_840), ("client-feedback.docx", 41_984));
            return Task.CompletedTask;
        });

        await steps.RunAsync(new(2, 41, 12), owner, async (db, at) =>
        {
            var item = await db.ProjectItems.SingleAsync(i => i.TenantId == tenant && i.ProjectId == generated[0] && i.Title == "storyboard-v2.pdf", cancellationToken);
            item.SizeBytes = 7_012_352;
            item.UpdatedAt = at;
        });
    }

    /// <summary><c>contract.pdf</c> with <c>-signed</c> is <c>contract-signed.pdf</c>.</summary>
    private static string WithSuffix(string title, string suffix)
    {
        var dot = title.LastIndexOf('.');
        return dot > 0 ? title[..dot] + suffix + title[dot..] : title + suffix;
    }

    /// <summary>One showcase tenant's steps: each runs in a transaction of its own, stamped with its moment.</summary>
    private sealed class Steps(DemoShowcaseHistory history, Guid tenant, Random random, CancellationToken cancellationToken)
    {
        public Guid Tenant => tenant;

        /// <summary>A UUID v7 of <paramref name="at"/>, reproducible like the rest of the demo data.</summary>
        public Guid NewId(DateTime at) => DemoIds.Version7(at, random);

        /// <summary>
        /// Runs <paramref name="write"/> <paramref name="ago"/> before the seed, as <paramref name="actor"/>:
        /// saves it, then gives the change-log rows it made that moment, and commits.
        /// </summary>
        public async Task RunAsync(TimeSpan ago, string actor, Func<TenancyDbContext, DateTime, Task> write)
        {
            var at = history._now - ago;
            await using var db = await history._contextFactory.CreateDbContextAsync(cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var before = await db.TenantChanges.Where(c => c.TenantId == tenant).MaxAsync(c => (long?)c.Seq, cancellationToken) ?? 0;
            if (db.Provider == DatabaseProvider.Postgres)
            {
                await db.Database.ExecuteSqlRawAsync(ChangeCaptureSql.SetActorSql(actor), cancellationToken);
            }

            await write(db, at);
            await db.SaveChangesAsync(cancellationToken);
            var stamp = ChangeCaptureSql.LogTime(db.Provider, at);
            history._changes += await db.Database.ExecuteSqlAsync(
                $"UPDATE tenant_changes SET changed_at = {stamp} WHERE tenant_id = {tenant} AND seq > {before}", cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        /// <summary>The owner's email, and an admin's (the owner's when the tenant has no admin): who acts in the steps.</summary>
        public async Task<(string Owner, string Admin)> PeopleAsync()
        {
            await using var db = await history._contextFactory.CreateDbContextAsync(cancellationToken);
            var people = await db.Members.AsNoTracking()
                .Where(m => m.TenantId == tenant && (m.Role == MemberRole.Owner || m.Role == MemberRole.Admin))
                .OrderBy(m => m.Id).Select(m => new { m.Email, m.Role }).ToListAsync(cancellationToken);
            var owner = people.First(p => p.Role == MemberRole.Owner).Email;
            return (owner, people.FirstOrDefault(p => p.Role == MemberRole.Admin)?.Email ?? owner);
        }

        /// <summary>The loaded projects, oldest first.</summary>
        public async Task<List<Guid>> ProjectsAsync()
        {
            await using var db = await history._contextFactory.CreateDbContextAsync(cancellationToken);
            return await db.Projects.AsNoTracking().Where(p => p.TenantId == tenant)
                .OrderBy(p => p.CreatedAt).ThenBy(p => p.Id).Select(p => p.Id).ToListAsync(cancellationToken);
        }

        public void AddItems(TenancyDbContext db, Guid project, DateTime at, params (string Title, long SizeBytes)[] items)
        {
            foreach (var (title, size) in items)
            {
                db.ProjectItems.Add(new ProjectItem
                {
                    TenantId = tenant, Id = NewId(at), ProjectId = project, Title = title, SizeBytes = size, CreatedAt = at, UpdatedAt = at,
                });
            }
        }

        /// <summary>Sets a tenant setting, adding it when the tenant has none of that key.</summary>
        public async Task SetAsync(TenancyDbContext db, string key, string value, DateTime at)
        {
            var setting = await db.TenantSettings.FirstOrDefaultAsync(s => s.TenantId == tenant && s.Key == key, cancellationToken);
            if (setting is null)
            {
                db.TenantSettings.Add(new TenantSetting { TenantId = tenant, Key = key, Value = value, UpdatedAt = at });
            }
            else
            {
                setting.Value = value;
                setting.UpdatedAt = at;
            }
        }
    }
}
