using Tenancy.Core.Features.Plans;
using Tenancy.Core.Features.TenantData;

namespace Tenancy.Core.Data.Seeding;

/// <summary>What the tenant-data generator needs to know about a tenant that has data.</summary>
internal sealed record DemoDataOwner(
    long Sequence,
    Guid TenantId,
    string OwnerName,
    string OwnerEmail,
    string CompanyDomain,
    string PlanId,
    string Region,
    DateTime CreatedAt,
    DateTime DataUntil)
{
    public static DemoDataOwner From(DemoTenant tenant) => new(
        tenant.Sequence, tenant.Id, tenant.OwnerName, tenant.OwnerEmail, tenant.CompanyDomain,
        tenant.PlanId, tenant.Region, tenant.CreatedAt, tenant.DataUntil);
}

internal readonly record struct DemoMember(Guid Id, string Email, string Name, string Role, DateTime CreatedAt);

internal readonly record struct DemoProject(Guid Id, string Name, DateTime CreatedAt, DateTime UpdatedAt);

internal readonly record struct DemoItem(Guid Id, Guid ProjectId, string Title, long SizeBytes, DateTime CreatedAt, DateTime UpdatedAt);

internal readonly record struct DemoSetting(string Key, string Value, DateTime UpdatedAt);

/// <summary>
/// Members, projects, items and settings of one tenant, created and updated between the tenant's
/// sign-up and <see cref="DemoDataOwner.DataUntil"/>. Each table draws from its own
/// <see cref="Random"/> seeded by (run seed, tenant sequence, table), so a loader can produce
/// one table at a time (one COPY after another) and still get the same data as a loader that
/// writes a tenant's rows together.
/// </summary>
internal sealed class DemoTenantDataGenerator(int seed)
{
    private const int MembersStream = 1;
    private const int ProjectsStream = 2;
    private const int ItemsStream = 3;
    private const int SettingsStream = 4;

    private static readonly string[] Roles = [nameof(MemberRole.Admin), nameof(MemberRole.Member), nameof(MemberRole.Guest)];
    private static readonly Weighted RoleWeights = new([0.2, 0.65, 0.15]);
    private static readonly Weighted ItemKindWeights = new(DemoWords.ItemKinds.Select(k => k.Weight).ToArray());

    /// <summary>Time zones and locales a tenant in each region picks from.</summary>
    private static readonly Dictionary<string, (string[] Zones, string[] Locales)> RegionalDefaults = new(StringComparer.Ordinal)
    {
        ["us-east"] = (["America/New_York", "America/Chicago", "America/Toronto"], ["en-US", "en-US", "es-US"]),
        ["us-west"] = (["America/Los_Angeles", "America/Denver", "America/Phoenix"], ["en-US", "en-US", "es-US"]),
        ["eu-west"] = (["Europe/London", "Europe/Paris", "Europe/Amsterdam", "Europe/Madrid", "Europe/Dublin"], ["en-GB", "fr-FR", "nl-NL", "es-ES"]),
        ["eu-central"] = (["Europe/Berlin", "Europe/Vienna", "Europe/Zurich", "Europe/Warsaw", "Europe/Prague"], ["de-DE", "de-AT", "de-CH", "pl-PL", "cs-CZ"]),
        ["ap-southeast"] = (["Asia/Singapore", "Australia/Sydney", "Asia/Tokyo", "Pacific/Auckland"], ["en-SG", "en-AU", "ja-JP", "en-NZ"]),
        ["sa-east"] = (["America/Sao_Paulo", "America/Santiago", "America/Bogota"], ["pt-BR", "es-CL", "es-CO"]),
    };

    private readonly HashSet<string> _emails = new(StringComparer.Ordinal);

    public void Members(DemoDataOwner owner, List<DemoMember> members)
    {
        members.Clear();
        _emails.Clear();
        var r = new Random(DemoIds.Seed(seed, owner.Sequence, MembersStream));
        members.Add(new DemoMember(DemoIds.Version7(owner.CreatedAt, r), owner.OwnerEmail, owner.OwnerName, nameof(MemberRole.Owner), owner.CreatedAt));
        _emails.Add(owner.OwnerEmail);

        var extra = owner.PlanId switch
        {
            PlanCatalog.Free => r.Next(0, 3),
            PlanCatalog.Starter => r.Next(1, 5),
            PlanCatalog.Professional => r.Next(2, 8),
            _ => r.Next(5, 16),
        };
        for (var i = 0; i < extra; i++)
        {
            var first = DemoWords.FirstNames[r.Next(DemoWords.FirstNames.Length)];
            var last = DemoWords.LastNames[r.Next(DemoWords.LastNames.Length)];
            var local = DemoTenantGenerator.LocalPart(first) + "." + DemoTenantGenerator.LocalPart(last);
            var email = $"{local}@{owner.CompanyDomain}";
            for (var n = 2; !_emails.Add(email); n++)
            {
                email = $"{local}{n}@{owner.CompanyDomain}";
            }

            var created = Between(r, owner.CreatedAt, owner.DataUntil);
            members.Add(new DemoMember(DemoIds.Version7(created, r), email, first + " " + last, Roles[RoleWeights.Pick(r)], created));
        }
    }

    public void Projects(DemoDataOwner owner, List<DemoProject> projects)
    {
        projects.Clear();
        var r = new Random(DemoIds.Seed(seed, owner.Sequence, ProjectsStream));
        var count = owner.PlanId switch
        {
            PlanCatalog.Free => r.Next(1, 3),
            PlanCatalog.Starter => r.Next(1, 4),
            PlanCatalog.Professional => r.Next(2, 5),
            _ => r.Next(3, 5),
        };
        for (var i = 0; i < count; i++)
        {
            var created = Between(r, owner.CreatedAt, owner.DataUntil);
            var name = DemoWords.ProjectNames[r.Next(DemoWords.ProjectNames.Length)];
            if (r.NextDouble() < 0.3)
            {
                name += " " + created.Year;
            }

            projects.Add(new DemoProject(DemoIds.Version7(created, r), name, created, Between(r, created, owner.DataUntil)));
        }
    }

    /// <summary>Items of the tenant's projects (as produced by <see cref="Projects"/>).</summary>
    public void Items(DemoDataOwner owner, List<DemoProject> projects, List<DemoItem> items)
    {
        items.Clear();
        var r = new Random(DemoIds.Seed(seed, owner.Sequence, ItemsStream));
        var enterprise = owner.PlanId == PlanCatalog.Enterprise;
        foreach (var project in projects)
        {
            var count = enterprise ? r.Next(2, 9) : r.Next(0, 6);
            for (var i = 0; i < count; i++)
            {
                var kind = DemoWords.ItemKinds[ItemKindWeights.Pick(r)];
                var stem = kind.Stems[r.Next(kind.Stems.Length)];
                var created = Between(r, project.CreatedAt, owner.DataUntil);
                var title = r.NextDouble() < 0.5
                    ? $"{stem}.{kind.Extension}"
                    : $"{stem}-{r.Next(1, 1000):D3}.{kind.Extension}";
                var size = (long)Math.Clamp(kind.MedianBytes * Math.Exp(kind.Sigma * Gaussian(r)), 200, 4_000_000_000);
                items.Add(new DemoItem(DemoIds.Version7(created, r), project.Id, title, size, created, Between(r, created, owner.DataUntil)));
            }
        }
    }

    public void Settings(DemoDataOwner owner, List<DemoSetting> settings)
    {
        settings.Clear();
        var r = new Random(DemoIds.Seed(seed, owner.Sequence, SettingsStream));
        var (zones, locales) = RegionalDefaults.TryGetValue(owner.Region, out var defaults) ? defaults : RegionalDefaults["us-east"];

        settings.Add(new DemoSetting("timezone", zones[r.Next(zones.Length)], Between(r, owner.CreatedAt, owner.DataUntil)));
        settings.Add(new DemoSetting("locale", locales[r.Next(locales.Length)], Between(r, owner.CreatedAt, owner.DataUntil)));
        if (r.NextDouble() < 0.4)
        {
            settings.Add(new DemoSetting("week_start", r.NextDouble() < 0.6 ? "monday" : "sunday", Between(r, owner.CreatedAt, owner.DataUntil)));
        }

        if (r.NextDouble() < 0.3)
        {
            settings.Add(new DemoSetting("notifications.digest", r.NextDouble() < 0.7 ? "daily" : "weekly", Between(r, owner.CreatedAt, owner.DataUntil)));
        }
    }

    private static DateTime Between(Random r, DateTime from, DateTime to)
    {
        var ticks = from.Ticks + (long)((to.Ticks - from.Ticks) * r.NextDouble());
        return new DateTime(Math.Max(from.Ticks, ticks - ticks % 10), DateTimeKind.Utc);
    }

    /// <summary>A standard normal draw (Box–Muller).</summary>
    private static double Gaussian(Random r)
    {
        var u1 = 1.0 - r.NextDouble();
        var u2 = r.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
