using Tenancy.Core.Data;
using Tenancy.Core.Features.Plans;
using Tenancy.Core.Features.TenantData;
using Tenancy.Core.Features.Tenants;

namespace Tenancy.Core.Tests.Features.Tenants;

/// <summary>One tenant of the test data, as the tests expect to read it back.</summary>
public sealed record TenantRow(
    Guid Id,
    string Name,
    string Slug,
    string OwnerEmail,
    TenantStatus Status,
    string PlanId,
    string Region,
    DateTime CreatedAt,
    string? StripeCustomerId)
{
    /// <summary>What a substring search looks in: name, slug and owner email, case-insensitively.</summary>
    public bool Matches(string term) =>
        Name.Contains(term, StringComparison.OrdinalIgnoreCase)
        || Slug.Contains(term, StringComparison.OrdinalIgnoreCase)
        || OwnerEmail.Contains(term, StringComparison.OrdinalIgnoreCase);

    public string OwnerName => "Owner of " + Name;

    public Tenant ToEntity() => new()
    {
        Id = Id,
        Name = Name,
        Slug = Slug,
        OwnerName = OwnerName,
        OwnerEmail = OwnerEmail,
        Status = Status,
        PlanId = PlanId,
        Region = Region,
        StripeCustomerId = StripeCustomerId,
        StripeSubscriptionId = StripeCustomerId is null ? null : "sub_" + StripeCustomerId[4..],
        CreatedAt = CreatedAt,
        UpdatedAt = CreatedAt.AddDays(1),
    };
}

/// <summary>
/// Deterministic tenants for the catalog tests (fixed seed, fixed ids): duplicate names, shared
/// creation times (so the id has to break ties), names with LIKE wildcards and quotes next to
/// decoys that a wrongly escaped search would also match, and a tenant with members and projects.
/// </summary>
public static class TenantCatalogTestData
{
    public static readonly DateTime Start = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>The tenant with members and projects (and a Stripe customer).</summary>
    public const string Globex = "Globex Corporation";

    /// <summary>A tenant with one member and no projects, so counts cannot leak between tenants.</summary>
    public const string Initrode = "Initrode";

    public static IReadOnlyList<TenantRow> Tenants { get; } = Build();

    public static TenantRow Named(string name) => Tenants.Single(t => t.Name == name);

    /// <summary>Inserts <see cref="Tenants"/>, their slugs and Globex's and Initrode's data.</summary>
    public static async Task SeedAsync(TenancyDbContext db, CancellationToken cancellationToken)
    {
        db.Tenants.AddRange(Tenants.Select(t => t.ToEntity()));
        db.TenantSlugs.AddRange(Tenants.Select(t => new TenantSlug { Slug = t.Slug, TenantId = t.Id }));

        var globex = Named(Globex).Id;
        db.Members.AddRange(
            new Member { TenantId = globex, Email = "hank@globex.example", Name = "Hank", Role = MemberRole.Owner, CreatedAt = Start },
            new Member { TenantId = globex, Email = "frank@globex.example", Name = "Frank", CreatedAt = Start },
            new Member { TenantId = globex, Email = "mona@globex.example", Name = "Mona", Role = MemberRole.Admin, CreatedAt = Start });
        var doomsday = new Project { TenantId = globex, Name = "Doomsday device", CreatedAt = Start, UpdatedAt = Start };
        doomsday.Items.Add(new ProjectItem { TenantId = globex, Title = "Blueprint", SizeBytes = 1_024, CreatedAt = Start, UpdatedAt = Start });
        doomsday.Items.Add(new ProjectItem { TenantId = globex, Title = "Budget", SizeBytes = 2_048, CreatedAt = Start, UpdatedAt = Start });
        db.Projects.AddRange(doomsday, new Project { TenantId = globex, Name = "Cypress Creek", CreatedAt = Start, UpdatedAt = Start });

        db.Members.Add(new Member { TenantId = Named(Initrode).Id, Email = "bill@initech.example", Name = "Bill", Role = MemberRole.Owner, CreatedAt = Start });

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The oracle: <paramref name="rows"/> in the order the catalog must list them.</summary>
    public static List<TenantRow> Ordered(this IEnumerable<TenantRow> rows, TenantSort sort, SortDirection direction)
    {
        // Ids compare like the databases compare them: PostgreSQL's uuid and SQLite's text form
        // both order by the canonical hex digits. Names compare by code point (C.UTF-8 / BINARY).
        static string IdKey(TenantRow row) => row.Id.ToString("N");

        var ordered = (sort, direction) switch
        {
            (TenantSort.Name, SortDirection.Ascending) =>
                rows.OrderBy(r => r.Name, StringComparer.Ordinal).ThenBy(IdKey, StringComparer.Ordinal),
            (TenantSort.Name, _) =>
                rows.OrderByDescending(r => r.Name, StringComparer.Ordinal).ThenByDescending(IdKey, StringComparer.Ordinal),
            (_, SortDirection.Ascending) =>
                rows.OrderBy(r => r.CreatedAt).ThenBy(IdKey, StringComparer.Ordinal),
            _ =>
                rows.OrderByDescending(r => r.CreatedAt).ThenByDescending(IdKey, StringComparer.Ordinal),
        };
        return ordered.ToList();
    }

    private static List<TenantRow> Build()
    {
        var special = new (string Name, string Slug, string Email, string? Stripe)[]
        {
            ("Acme", "acme", "owner@acme.example", null),
            ("Acme", "acme-2", "ops@acme2.example", null),
            ("Acme", "acme-3", "it@acme3.example", null),
            ("acme", "acme-lower", "hello@lower.example", null),
            (Globex, "gx-hq", "hank@globex.example", "cus_GLOBEX01"),
            (Initrode, "initrode", "bill@initech.example", "cus_INITRODE"),
            ("100% Fun", "hundred-fun", "fun@hundred.example", null),
            ("200 Forks", "two-hundred-forks", "forks@cutlery.example", null),
            ("a_b Ltd", "a-b-ltd", "ab@ab.example", null),
            ("aXb Ltd", "axb-ltd", "axb@axb.example", null),
            ("O'Brien & Co", "obrien-co", "pat@obrien.example", null),
            ("Back\\slash Inc", "back-slash", "root@bs.example", null),
            ("Backslash Inc", "backslash", "root@backslash.example", null),
            ("Ärztekammer Süd", "aerztekammer-sued", "info@aek.example", null),
        };
        var generated = Enumerable.Range(1, 66).Select(i =>
            ($"Tenant {i:000}", $"tenant-{i:000}", $"owner{i:000}@tenants.example", i % 9 == 0 ? $"cus_T{i:000}" : (string?)null));

        var random = new Random(20_261_123);
        var statuses = Enum.GetValues<TenantStatus>();
        var plans = PlanCatalog.All.Select(p => p.Id).ToArray();
        var rows = new List<TenantRow>();
        var ids = new HashSet<Guid>();
        foreach (var (name, slug, email, stripe) in special.Concat(generated))
        {
            var bytes = new byte[16];
            random.NextBytes(bytes);
            var id = slug switch
            {
                // Inserted in an order that is neither their id order nor its reverse, so a
                // missing tie-breaker shows whichever way the list is sorted.
                "acme" => Guid.Parse("c0000000-0000-7000-8000-000000000000"),
                "acme-2" => Guid.Parse("a0000000-0000-7000-8000-000000000000"),
                "acme-3" => Guid.Parse("b0000000-0000-7000-8000-000000000000"),
                _ => new Guid(bytes),
            };
            if (!ids.Add(id))
            {
                throw new InvalidOperationException("Duplicate test tenant id; change the seed.");
            }

            // 80 tenants over 30 creation times: many share one, so only the id orders them.
            // The three "Acme" tenants share both their name and their creation time.
            var createdAt = name == "Acme" ? Start.AddHours(12) : Start.AddMinutes(90 * random.Next(0, 30));
            rows.Add(new TenantRow(
                id,
                name,
                slug,
                email,
                statuses[random.Next(statuses.Length)],
                plans[random.Next(plans.Length)],
                Regions.All[random.Next(Regions.All.Count)],
                createdAt,
                stripe));
        }

        return rows;
    }
}
