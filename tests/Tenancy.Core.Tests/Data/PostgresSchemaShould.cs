using Tenancy.Core.Tests.Infrastructure;

namespace Tenancy.Core.Tests.Data;

/// <summary>PostgreSQL only: the migrations create what the tenant list's queries rely on.</summary>
public sealed class PostgresSchemaShould(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task HaveTheTrigramExtension()
    {
        var extensions = await database.QueryAsync("SELECT extname FROM pg_extension");

        Assert.Contains("pg_trgm", extensions);
    }

    [Fact]
    public async Task IndexTheSearchTextWithAGinTrigramIndex()
    {
        var indexes = await TenantIndexesAsync();

        Assert.Contains(indexes, d => d.Contains("USING gin (search_text gin_trgm_ops)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("(name, id) INCLUDE (search_text)")]
    [InlineData("(created_at, id) INCLUDE (search_text)")]
    [InlineData("(status, name, id)")]
    [InlineData("(status, created_at, id)")]
    [InlineData("(plan_id, name, id)")]
    public async Task HaveABtreeIndexForEachKeysetOrder(string columns)
    {
        // The two unfiltered sort orders carry the search text, so a frequent search walks them
        // index-only (TenantSearchPlan.Frequent).
        var indexes = await TenantIndexesAsync();

        Assert.Contains(indexes, d => d.EndsWith("USING btree " + columns, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ComputeTheSearchTextInTheDatabase()
    {
        var generated = await database.QueryAsync(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'tenants' AND is_generated = 'ALWAYS'");

        Assert.Equal(["search_text"], generated);
    }

    [Fact]
    public async Task HaveNoSetNullSetDefaultOrUpdateCascadeOnForeignKeysOfTenantData()
    {
        // Citus rejects these on distributed tables (DESIGN.md); checked on the schema the
        // migrations built, so hand-written SQL in a migration is covered too.
        var offending = await database.QueryAsync(
            """
            SELECT format('%s.%s ON DELETE %s ON UPDATE %s', c.conrelid::regclass, c.conname, c.confdeltype, c.confupdtype)
            FROM pg_constraint c
            WHERE c.contype = 'f'
              AND (c.confdeltype IN ('n', 'd') OR c.confupdtype IN ('c', 'n', 'd'))
              AND EXISTS (SELECT 1 FROM pg_attribute a
                          WHERE a.attname = 'tenant_id' AND NOT a.attisdropped
                            AND a.attrelid IN (c.conrelid, c.confrelid))
            """);
        var foreignKeys = await database.QueryAsync("SELECT conname::text FROM pg_constraint WHERE contype = 'f'");

        Assert.NotEmpty(foreignKeys);
        Assert.Empty(offending);
    }

    private Task<List<string>> TenantIndexesAsync() =>
        database.QueryAsync("SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'tenants'");

}
