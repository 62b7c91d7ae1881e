using Npgsql;
using Tenancy.Core.Features.Tenants;
using static Tenancy.Benchmarks.BenchSql;

namespace Tenancy.Benchmarks;

/// <summary>
/// What the browse cases need from the seeded data, read once before timing starts: the keyset
/// cursor of the row <see cref="DeepRow"/> rows deep, a rare search fragment, and tenants to jump to.
/// </summary>
public sealed record BrowseSetup(
    long Tenants,
    long DeepRow,
    string DeepCursor,
    string RareFragment,
    Guid JumpId,
    string JumpSlug,
    Guid JumpSlugTenant,
    string JumpCustomer,
    Guid JumpCustomerTenant)
{
    private const long PreferredDeepRow = 500_000;

    public static async Task<BrowseSetup> LoadAsync(NpgsqlDataSource dataSource)
    {
        var tenants = await ScalarAsync<long>(dataSource, "SELECT count(*) FROM tenants");
        var deepRow = Math.Min(PreferredDeepRow, tenants / 2);

        // The last row of the page before the deep page: its cursor asks for rows deepRow+1 ...
        string deepCursor;
        await using (var command = dataSource.CreateCommand("SELECT name, id FROM tenants ORDER BY name, id OFFSET @o LIMIT 1"))
        {
            command.Parameters.AddWithValue("o", deepRow - 1);
            command.CommandTimeout = 0;
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            deepCursor = TenantCursor.Encode(TenantSort.Name, reader.GetString(0), default, reader.GetGuid(1));
        }

        // Tenants from different parts of the history (created_at index, so this is quick at any size).
        var (jumpId, _, _) = await TenantAtAsync(dataSource, 0.61, "true");
        var (slugTenant, slug, _) = await TenantAtAsync(dataSource, 0.37, "true");
        var (customerTenant, _, customer) = await TenantAtAsync(dataSource, 0.83, "stripe_customer_id IS NOT NULL");

        // A rare fragment: the local part of a numbered free-mail address ("sofia.kowalski37"),
        // shared by a handful of tenants at most.
        var (_, _, email) = await TenantAtAsync(dataSource, 0.71, "owner_email ~ '^[a-z]+\\.[a-z]+[0-9]+@'", "owner_email");
        var rare = email is null ? "" : email[..email.IndexOf('@', StringComparison.Ordinal)];

        return new BrowseSetup(tenants, deepRow, deepCursor, rare, jumpId, slug!, slugTenant, customer!, customerTenant);
    }

    public void Print()
    {
        Console.WriteLine($"# setup: {Tenants:N0} tenants; deep page after row {DeepRow:N0}; rare fragment '{RareFragment}'");
        Console.WriteLine($"# setup: jump to id {JumpId}, slug '{JumpSlug}', Stripe customer '{JumpCustomer}'");
    }

    /// <summary>The first tenant created after <paramref name="fraction"/> of the history that matches <paramref name="condition"/>.</summary>
    private static async Task<(Guid Id, string? Slug, string? Extra)> TenantAtAsync(
        NpgsqlDataSource dataSource, double fraction, string condition, string extra = "stripe_customer_id")
    {
        var sql =
            $"""
            SELECT id, slug, {extra} FROM tenants
            WHERE created_at >= (SELECT min(created_at) + (max(created_at) - min(created_at)) * @f FROM tenants)
              AND {condition}
            ORDER BY created_at, id
            LIMIT 1
            """;
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("f", fraction);
        command.CommandTimeout = 0;
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            throw new InvalidOperationException($"no tenant matches {condition}: seed more tenants");
        }

        return (reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2));
    }
}
