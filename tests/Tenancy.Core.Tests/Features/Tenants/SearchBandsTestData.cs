using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Plans;
using Tenancy.Core.Features.Tenants;

namespace Tenancy.Core.Tests.Features.Tenants;

/// <summary>
/// A catalog large enough for the search planner to sample (<see cref="Rows"/> tenants, more than
/// the catalog's sampling minimum) with search terms planted so that each falls in one band of
/// matches: rare (fewer than 100), around the frequency threshold, in the band where an earlier
/// planner capped the rows it sorted (500–3,000), and common (more than 1 %). Terms sit in names
/// (so the matches cluster in name order and a walk in name order meets long empty stretches), in
/// slugs and in owner emails. Names repeat and creation times are shared by many tenants, so
/// the id has to break ties. Deterministic: a fixed seed, fixed ids.
/// </summary>
public static class SearchBandsTestData
{
    public const int Rows = 300_000;

    public static readonly DateTime Start = new(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>A planted search term and how many tenants carry it.</summary>
    public sealed record Term(string Text, int Tenants, string Band);

    /// <remarks>
    /// The thresholds: the old planner sampled terms above 0.5 % as frequent and capped the rest at
    /// 1,000 matches; today's planner weighs a walk (about 51 ÷ share rows) against fetching every
    /// match (8 units each), which at 300,000 rows crosses near 0.65 % for evenly spread terms.
    /// "cobaltique" and "marrowgate" straddle both lines and sit in the old cap band.
    /// </remarks>
    public static IReadOnlyList<Term> Terms { get; } =
    [
        new("zephyrine", 40, "rare"),
        new("quillonex", 300, "0.1 %"),
        new("brambleton", 600, "0.2 %"),
        new("cobaltique", 1_150, "old cap band, 0.38 %: below both thresholds"),
        new("marrowgate", 2_400, "old cap band, 0.8 %: above both thresholds"),
        new("glimmerfen", 9_000, "common, 3 %"),
    ];

    private static readonly string[] Adjectives =
        ["Blue", "Red", "Swift", "Silent", "Bright", "Northern", "Golden", "Quiet", "Rapid", "Urban", "Solid", "Clear"];

    private static readonly string[] Nouns =
        ["Harbor", "Summit", "Forge", "Orbit", "Canyon", "Willow", "Beacon", "Anchor", "Prairie", "Falcon", "Meadow", "Vertex"];

    private static readonly string[] Suffixes = ["Labs", "Group", "Works", "Studio", "Systems", "Partners", "Co"];

    private static readonly string[] Domains = ["mail.example", "corp.example", "inbox.example", "post.example"];

    private static readonly TenantStatus[] Statuses = Enum.GetValues<TenantStatus>();

    private static readonly string[] Plans = [PlanCatalog.Free, PlanCatalog.Starter, PlanCatalog.Professional, PlanCatalog.Enterprise];

    private sealed record Row(Guid Id, string Name, string Slug, string OwnerEmail, TenantStatus Status, string PlanId, string Region, DateTime CreatedAt);

    public static async Task SeedAsync(TenancyDbContext db, CancellationToken cancellationToken)
    {
        var rows = Build();
        await db.Database.OpenConnectionAsync(cancellationToken);
        if (db.Database.GetDbConnection() is NpgsqlConnection postgres)
        {
            await CopyAsync(postgres, rows, cancellationToken);
            db.Database.SetCommandTimeout(TimeSpan.FromMinutes(5));
            await db.Database.ExecuteSqlRawAsync("VACUUM (ANALYZE) tenants", cancellationToken);
        }
        else
        {
            await InsertAsync((SqliteConnection)db.Database.GetDbConnection(), rows, cancellationToken);
            await db.Database.ExecuteSqlRawAsync("ANALYZE", cancellationToken);
        }
    }

    private static List<Row> Build()
    {
        var random = new Random(20261203);
        var plantedIn = new string?[Rows];
        foreach (var term in Terms)
        {
            var placed = 0;
            while (placed < term.Tenants)
            {
                var row = random.Next(Rows);
                if (plantedIn[row] is null)
                {
                    plantedIn[row] = term.Text;
                    placed++;
                }
            }
        }

        var rows = new List<Row>(Rows);
        var bytes = new byte[16];
        for (var i = 0; i < Rows; i++)
        {
            random.NextBytes(bytes);
            var id = new Guid(bytes);
            var name = $"{Pick(random, Adjectives)} {Pick(random, Nouns)} {Pick(random, Suffixes)}";
            var slugBase = name.ToLowerInvariant().Replace(' ', '-');
            var local = $"{Pick(random, Nouns).ToLowerInvariant()}.{Pick(random, Adjectives).ToLowerInvariant()}{random.Next(100)}";
            var domain = Pick(random, Domains);
            var slugTail = "";
            if (plantedIn[i] is { } term)
            {
                // Where the term sits decides how its matches spread over the sort orders.
                switch (random.Next(4))
                {
                    case 0:
                        name = char.ToUpperInvariant(term[0]) + term[1..] + " " + name; // clustered in name order
                        break;
                    case 1:
                        name += " " + char.ToUpperInvariant(term[0]) + term[1..];
                        break;
                    case 2:
                        slugTail = "-" + term;
                        break;
                    default:
                        domain = term + ".example";
                        break;
                }
            }

            var slug = $"{slugBase}{slugTail}-{i}";
            // A few thousand distinct minutes for 300,000 tenants: creation times are shared widely.
            var created = Start.AddMinutes(random.Next(Rows / 60));
            rows.Add(new Row(id, name, slug, $"{local}@{domain}", Pick(random, Statuses), Pick(random, Plans), Pick(random, Regions.All), created));
        }

        return rows;
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> values) => values[random.Next(values.Count)];

    private static async Task CopyAsync(NpgsqlConnection connection, List<Row> rows, CancellationToken cancellationToken)
    {
        await using var writer = await connection.BeginBinaryImportAsync(
            "COPY tenants (id, name, slug, owner_name, owner_email, status, plan_id, region, created_at, updated_at) FROM STDIN (FORMAT BINARY)",
            cancellationToken);
        foreach (var row in rows)
        {
            await writer.StartRowAsync(cancellationToken);
            await writer.WriteAsync(row.Id, NpgsqlDbType.Uuid, cancellationToken);
            await writer.WriteAsync(row.Name, NpgsqlDbType.Varchar, cancellationToken);
            await writer.WriteAsync(row.Slug, NpgsqlDbType.Varchar, cancellationToken);
            await writer.WriteAsync("Owner", NpgsqlDbType.Varchar, cancellationToken);
            await writer.WriteAsync(row.OwnerEmail, NpgsqlDbType.Varchar, cancellationToken);
            await writer.WriteAsync(row.Status.ToString(), NpgsqlDbType.Varchar, cancellationToken);
            await writer.WriteAsync(row.PlanId, NpgsqlDbType.Varchar, cancellationToken);
            await writer.WriteAsync(row.Region, NpgsqlDbType.Varchar, cancellationToken);
            await writer.WriteAsync(row.CreatedAt, NpgsqlDbType.TimestampTz, cancellationToken);
            await writer.WriteAsync(row.CreatedAt, NpgsqlDbType.TimestampTz, cancellationToken);
        }

        await writer.CompleteAsync(cancellationToken);
    }

    private static async Task InsertAsync(SqliteConnection connection, List<Row> rows, CancellationToken cancellationToken)
    {
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText =
            """
            INSERT INTO tenants (id, name, slug, owner_name, owner_email, status, plan_id, region, created_at, updated_at)
            VALUES ($id, $name, $slug, 'Owner', $email, $status, $plan, $region, $created, $created)
            """;
        // Values bound as EF Core stores them (Guid and DateTime as TEXT, enums by name).
        SqliteParameter Parameter(string name) => command.Parameters.Add(new SqliteParameter { ParameterName = name });
        var id = Parameter("$id");
        var name = Parameter("$name");
        var slug = Parameter("$slug");
        var email = Parameter("$email");
        var status = Parameter("$status");
        var plan = Parameter("$plan");
        var region = Parameter("$region");
        var created = Parameter("$created");
        foreach (var row in rows)
        {
            id.Value = row.Id;
            name.Value = row.Name;
            slug.Value = row.Slug;
            email.Value = row.OwnerEmail;
            status.Value = row.Status.ToString();
            plan.Value = row.PlanId;
            region.Value = row.Region;
            created.Value = row.CreatedAt;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
