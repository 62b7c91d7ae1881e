using Npgsql;
using Tenancy.Core.Data;

namespace Tenancy.Core.Tests.Data;

/// <summary>How the product's PostgreSQL connections are set up (decision 0005: capture triggers keep their plans between pooled uses).</summary>
public sealed class TenancyDatabaseShould
{
    [Fact]
    public void KeepPooledSessionsBetweenUsesUnlessTheConnectionStringSaysOtherwise()
    {
        static bool KeepsSessions(string connectionString) =>
            new NpgsqlConnectionStringBuilder(TenancyDatabase.KeepSessionsBetweenUses(connectionString)).NoResetOnClose;

        Assert.True(KeepsSessions("Host=db;Username=app;Database=tenancy"));
        Assert.False(KeepsSessions("Host=db;Username=app;Database=tenancy;No Reset On Close=false"));
        Assert.False(KeepsSessions("Host=db;Username=app;Database=tenancy;noresetonclose=False"));
        Assert.Equal("db", new NpgsqlConnectionStringBuilder(TenancyDatabase.KeepSessionsBetweenUses("Host=db;Password=secret")).Host);
        Assert.Equal("secret", new NpgsqlConnectionStringBuilder(TenancyDatabase.KeepSessionsBetweenUses("Host=db;Password=secret")).Password);
    }
}
