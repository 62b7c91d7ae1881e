using Tenancy.Core.Data;
using Tenancy.Core.Features.Plans;
using Tenancy.Core.Features.Tenants;

namespace Tenancy.E2E.Hosting;

/// <summary>
/// The tenants every end-to-end test sees: 120 generated ones with known names, ids and dates
/// (so screenshots and expected orders are the same on every run), one distinctive target and
/// one near miss.
/// </summary>
internal static class TestTenants
{
    private static readonly string[] FirstWords =
        ["Amber", "Birch", "Cobalt", "Delta", "Ember", "Fjord", "Granite", "Harbor", "Indigo", "Juniper", "Lumen", "Meadow"];

    private static readonly string[] SecondWords =
        ["Bakery", "Cloud", "Dynamics", "Foods", "Health", "Labs", "Logistics", "Media", "Robotics", "Studio"];

    private static readonly string[] OwnerNames =
        ["Alice Moreau", "Bram de Vries", "Chen Wei", "Dana Okafor", "Elif Yilmaz", "Farid Haddad", "Greta Lind"];

    private static readonly string[] Plans =
        [PlanCatalog.Free, PlanCatalog.Starter, PlanCatalog.Professional, PlanCatalog.Enterprise];

    private static readonly DateTime FirstCreated = new(2025, 1, 6, 9, 0, 0, DateTimeKind.Utc);

    /// <summary>The tenant the search tests look for.</summary>
    public static Tenant Target { get; } = new()
    {
        Id = Guid.Parse("01950c3a-7d2e-7b41-9c3e-5a2f0e2e0001"),
        Name = "Zephyr Quantum Analytics",
        Slug = "zephyr-quantum",
        OwnerName = "Priya Raman",
        OwnerEmail = "priya.raman@zephyr-quantum.example",
        Status = TenantStatus.Active,
        PlanId = PlanCatalog.Professional,
        Region = "eu-west",
        StripeCustomerId = "cus_E2EZephyrQuantum",
        StripeSubscriptionId = "sub_E2EZephyrQuantum",
        CreatedAt = new DateTime(2025, 3, 14, 15, 9, 26, DateTimeKind.Utc),
        UpdatedAt = new DateTime(2025, 6, 2, 11, 30, 0, DateTimeKind.Utc),
    };

    /// <summary>Shares the word "quantum" with <see cref="Target"/>, so a search narrows from two matches to one.</summary>
    public static Tenant NearMiss { get; } = new()
    {
        Id = Guid.Parse("01950c3a-7d2e-7b41-9c3e-5a2f0e2e0002"),
        Name = "Quantum Leap Foods",
        Slug = "quantum-leap-foods",
        OwnerName = "Tomás Ortega",
        OwnerEmail = "tomas@quantum-leap-foods.example",
        Status = TenantStatus.Trial,
        PlanId = PlanCatalog.Starter,
        Region = "sa-east",
        CreatedAt = new DateTime(2025, 2, 1, 8, 0, 0, DateTimeKind.Utc),
        UpdatedAt = new DateTime(2025, 2, 1, 8, 0, 0, DateTimeKind.Utc),
    };

    public static IReadOnlyList<Tenant> All { get; } = [.. Generated(), Target, NearMiss];

    /// <summary>Six in ten are active, so an "active" filter spans more than one page of 50.</summary>
    private static TenantStatus StatusOf(int i) => (i % 10) switch
    {
        < 6 => TenantStatus.Active,
        6 or 7 => TenantStatus.Trial,
        8 => TenantStatus.PastDue,
        _ => TenantStatus.Suspended,
    };

    private static IEnumerable<Tenant> Generated()
    {
        var i = 0;
        foreach (var first in FirstWords)
        {
            foreach (var second in SecondWords)
            {
                var slug = $"{first}-{second}".ToLowerInvariant();
                var status = StatusOf(i);
                var created = FirstCreated.AddMinutes(433 * i);
                yield return new Tenant
                {
                    Id = Guid.Parse($"01950c3a-0000-7000-8000-{i:x12}"),
                    Name = $"{first} {second}",
                    Slug = slug,
                    OwnerName = OwnerNames[i % OwnerNames.Length],
                    OwnerEmail = $"owner@{slug}.example",
                    Status = status,
                    PlanId = Plans[i % Plans.Length],
                    Region = Regions.All[i % Regions.All.Count],
                    StripeCustomerId = status == TenantStatus.Trial ? null : $"cus_E2E{i:D4}",
                    StripeSubscriptionId = status == TenantStatus.Trial ? null : $"sub_E2E{i:D4}",
                    CreatedAt = created,
                    UpdatedAt = created.AddDays(3),
                };
                i++;
            }
        }
    }

    /// <summary>Writes the tenants and their slug rows through EF, as the application would.</summary>
    public static async Task SeedAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var db = TenancyDatabase.Create(DatabaseProvider.Postgres, connectionString);
        foreach (var tenant in All)
        {
            db.Tenants.Add(Copy(tenant));
            db.TenantSlugs.Add(new TenantSlug { Slug = tenant.Slug, TenantId = tenant.Id });
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Adds one more tenant (a test's own, so what it changes no other test sees).</summary>
    public static async Task AddAsync(string connectionString, Tenant tenant, CancellationToken cancellationToken)
    {
        await using var db = TenancyDatabase.Create(DatabaseProvider.Postgres, connectionString);
        db.Tenants.Add(Copy(tenant));
        db.TenantSlugs.Add(new TenantSlug { Slug = tenant.Slug, TenantId = tenant.Id });
        await db.SaveChangesAsync(cancellationToken);
    }

    // The shared instances stay untracked and reusable: EF gets its own copies.
    private static Tenant Copy(Tenant t) => new()
    {
        Id = t.Id,
        Name = t.Name,
        Slug = t.Slug,
        OwnerName = t.OwnerName,
        OwnerEmail = t.OwnerEmail,
        Status = t.Status,
        PlanId = t.PlanId,
        Region = t.Region,
        StripeCustomerId = t.StripeCustomerId,
        StripeSubscriptionId = t.StripeSubscriptionId,
        CreatedAt = t.CreatedAt,
        UpdatedAt = t.UpdatedAt,
    };
}
