using Microsoft.EntityFrameworkCore;

namespace Tenancy.Core.Data.Seeding;

public sealed record SeedReport(long Tenants, long TenantDataRows, TimeSpan Elapsed)
{
    public double TenantsPerSecond => Tenants / Math.Max(Elapsed.TotalSeconds, 0.001);
}

public sealed class DemoDataSeeder(IDbContextFactory<TenancyDbContext> contextFactory)
{
    public Task<SeedReport> SeedAsync(int tenants, CancellationToken cancellationToken = default)
    {
        _ = contextFactory;
        _ = tenants;
        _ = cancellationToken;
        throw new NotSupportedException("placeholder until the seeder lands");
    }
}
