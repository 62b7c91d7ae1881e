using Tenancy.Core.Data.Citus;
using Tenancy.Core.Tests.Infrastructure;

namespace Tenancy.Core.Tests.Data;

/// <summary>
/// The distribution on plain PostgreSQL and on Citus alike (scripts/test.sh runs the PostgreSQL
/// tests on both): it leaves a plain database alone and tells a cluster from one.
/// </summary>
public sealed class CitusDistributionShouldOnPostgres(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DoNothingOnPlainPostgresAndReportCitusOnACluster()
    {
        await using var db = database.CreateContext();

        var report = await CitusDistribution.ApplyAsync(db, Cancellation);

        Assert.Equal(PostgresServer.IsCitus, report.IsCitus);
        Assert.Empty(report.TablesDistributed);
        Assert.False(report.CaptureTriggersInstalled);
    }
}
