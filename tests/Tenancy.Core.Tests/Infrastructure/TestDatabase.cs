using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Tenancy.Core.Data;

namespace Tenancy.Core.Tests.Infrastructure;

/// <summary>
/// A real database of its own for one test class (use it as an <c>IClassFixture</c>): created
/// and migrated before the first test, deleted after the last one. Tests reach it through
/// <see cref="ContextFactory"/>, the same <see cref="IDbContextFactory{TContext}"/> the services take.
/// </summary>
public abstract class TestDatabase : IAsyncLifetime
{
    private readonly SemaphoreSlim seedLock = new(1, 1);
    private readonly HashSet<string> seeded = [];
    private string? connectionString;

    protected TestDatabase()
    {
        ContextFactory = new TestDbContextFactory(this);
    }

    public abstract DatabaseProvider Provider { get; }

    public string ConnectionString =>
        connectionString ?? throw new InvalidOperationException("The test database is not created yet (InitializeAsync has not run).");

    public IDbContextFactory<TenancyDbContext> ContextFactory { get; }

    /// <summary>A new context on this database; dispose it.</summary>
    public TenancyDbContext CreateContext() => TenancyDatabase.Create(Provider, ConnectionString);

    /// <summary>A new context on this database whose work <paramref name="interceptors"/> see (and may change); dispose it.</summary>
    public TenancyDbContext CreateContext(params IInterceptor[] interceptors)
    {
        if (Provider == DatabaseProvider.Postgres)
        {
            var postgres = new DbContextOptionsBuilder<PostgresTenancyDbContext>();
            TenancyDatabase.ConfigurePostgres(postgres, ConnectionString);
            return new PostgresTenancyDbContext(postgres.AddInterceptors(interceptors).Options);
        }

        var sqlite = new DbContextOptionsBuilder<SqliteTenancyDbContext>();
        TenancyDatabase.ConfigureSqlite(sqlite, ConnectionString);
        return new SqliteTenancyDbContext(sqlite.AddInterceptors(interceptors).Options);
    }

    /// <summary>A factory like <see cref="ContextFactory"/> whose contexts <paramref name="interceptors"/> watch: how a test looks into a service's transactions.</summary>
    public IDbContextFactory<TenancyDbContext> ContextFactoryWith(params IInterceptor[] interceptors) =>
        new TestDbContextFactory(this, interceptors);

    /// <summary>
    /// Runs <paramref name="seed"/> once for this database under <paramref name="key"/>, however many
    /// tests ask: the way a test class inserts the data all of its tests read.
    /// </summary>
    public async Task SeedOnceAsync(string key, Func<TenancyDbContext, CancellationToken, Task> seed, CancellationToken cancellationToken = default)
    {
        await seedLock.WaitAsync(cancellationToken);
        try
        {
            if (seeded.Contains(key))
            {
                return;
            }

            await using var db = CreateContext();
            await seed(db, cancellationToken);
            seeded.Add(key);
        }
        finally
        {
            seedLock.Release();
        }
    }

    public async ValueTask InitializeAsync() => connectionString = await CreateAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (connectionString is not null)
        {
            await DeleteAsync(connectionString);
        }

        seedLock.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Creates the database and returns its connection string.</summary>
    protected abstract Task<string> CreateAsync(CancellationToken cancellationToken);

    protected abstract Task DeleteAsync(string connectionString);
}

/// <summary>Hands out contexts on a <see cref="TestDatabase"/>, as the app's pooled factory does.</summary>
public sealed class TestDbContextFactory(TestDatabase database, IInterceptor[]? interceptors = null) : IDbContextFactory<TenancyDbContext>
{
    public TenancyDbContext CreateDbContext() =>
        interceptors is { Length: > 0 } ? database.CreateContext(interceptors) : database.CreateContext();
}
