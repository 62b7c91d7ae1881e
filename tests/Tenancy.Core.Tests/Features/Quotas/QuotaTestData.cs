using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Tenancy.Core.Features.Audit;
using Tenancy.Core.Features.Plans;
using Tenancy.Core.Features.Quotas;
using Tenancy.Core.Features.Staff;
using Tenancy.Core.Features.TenantData;
using Tenancy.Core.Features.Tenants;
using Tenancy.Core.Features.Usage;
using Tenancy.Core.Tests.Infrastructure;

namespace Tenancy.Core.Tests.Features.Quotas;

/// <summary>Tenants with data, staff actors and the quota services, on a test database.</summary>
public static class QuotaTestData
{
    public static readonly StaffActor Viewer = new("sub-vic", "Vic Viewer", "vic@example.test", new HashSet<StaffRole> { StaffRole.Viewer });
    public static readonly StaffActor Support = new("sub-sam", "Sam Support", "sam@example.test", new HashSet<StaffRole> { StaffRole.Support });
    public static readonly StaffActor Admin = new("sub-ada", "Ada Admin", "ada@example.test", new HashSet<StaffRole> { StaffRole.Admin });

    public const string Reason = "Customer asked on the phone";

    /// <summary>A new tenant on <paramref name="planId"/> with the given numbers of members, projects and item bytes.</summary>
    public static async Task<Guid> CreateTenantAsync(
        TestDatabase database,
        string planId = PlanCatalog.Free,
        TenantStatus status = TenantStatus.Active,
        int members = 0,
        int projects = 0,
        params long[] itemSizes)
    {
        var id = Guid.CreateVersion7();
        var slug = "quota-" + id.ToString("N")[^12..];
        var created = new DateTime(2025, 6, 1, 0, 0, 0, DateTimeKind.Utc);
        await using var db = database.CreateContext();
        db.Tenants.Add(new Tenant
        {
            Id = id,
            Name = "Quota " + slug,
            Slug = slug,
            OwnerName = "Owner",
            OwnerEmail = slug + "@example.test",
            Status = status,
            PlanId = planId,
            Region = "eu-west",
            CreatedAt = created,
            UpdatedAt = created,
        });
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        await AddDataAsync(database, id, members, projects, itemSizes);
        return id;
    }

    /// <summary>Adds members, projects and (in a project of its own) items of the given sizes.</summary>
    public static async Task AddDataAsync(TestDatabase database, Guid tenantId, int members = 0, int projects = 0, params long[] itemSizes)
    {
        await using var db = database.CreateContext();
        var now = new DateTime(2025, 6, 2, 0, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < members; i++)
        {
            db.Members.Add(new Member { TenantId = tenantId, Email = $"m{Guid.NewGuid():N}@example.test", Name = "Member", CreatedAt = now });
        }

        for (var i = 0; i < projects; i++)
        {
            db.Projects.Add(new Project { TenantId = tenantId, Name = "Project " + i, CreatedAt = now, UpdatedAt = now });
        }

        if (itemSizes.Length > 0)
        {
            var project = new Project { TenantId = tenantId, Name = "Files", CreatedAt = now, UpdatedAt = now };
            foreach (var size in itemSizes)
            {
                project.Items.Add(new ProjectItem { TenantId = tenantId, Title = "File", SizeBytes = size, CreatedAt = now, UpdatedAt = now });
            }

            db.Projects.Add(project);
        }

        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
    }

    public static async Task SetStatusAsync(TestDatabase database, Guid tenantId, TenantStatus status)
    {
        await using var db = database.CreateContext();
        await db.Tenants.Where(t => t.Id == tenantId)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, status), TestContext.Current.CancellationToken);
    }

    public static QuotaEnforcer Enforcer(TestDatabase database, TimeProvider clock, UsageMeter? meter = null) =>
        new(database.ContextFactory, meter ?? new UsageMeter(database.ContextFactory, clock), clock);

    public static QuotaService Service(TestDatabase database, TimeProvider clock, QuotaEnforcer? enforcer = null) =>
        new(database.ContextFactory, new AuditLog(database.ContextFactory, clock), clock, enforcer ?? Enforcer(database, clock), NullLogger<QuotaService>.Instance);

    public static Dictionary<QuotaMetric, QuotaOverride> Set(QuotaMetric metric, QuotaOverride value) => new() { [metric] = value };
}
