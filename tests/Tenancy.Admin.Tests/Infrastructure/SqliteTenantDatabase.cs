using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Tenancy.Core.Data;
using Tenancy.Core.Features.Plans;
using Tenancy.Core.Features.Tenants;

namespace Tenancy.Admin.Tests.Infrastructure;

/// <summary>
/// A real, migrated SQLite database in a temp file for component tests, with a counter of the
/// SQL commands that read tenants (to check what the UI asks the database for).
/// </summary>
public sealed class SqliteTenantDatabase : IDbContextFactory<TenancyDbContext>, IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"tenancy-admin-tests-{Guid.NewGuid():N}.db");
    private readonly string _connectionString;

    public SqliteTenantDatabase()
    {
        _connectionString = $"Data Source={_path};Pooling=false";
        using var db = CreateDbContext();
        db.Database.Migrate();
    }

    public CommandCounter Commands { get; } = new();

    public TenancyDbContext CreateDbContext()
    {
        var options = new DbContextOptionsBuilder<SqliteTenancyDbContext>();
        TenancyDatabase.ConfigureSqlite(options, _connectionString);
        options.AddInterceptors(Commands);
        return new SqliteTenancyDbContext(options.Options);
    }

    public Task<TenancyDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(CreateDbContext());

    /// <summary>Inserts tenants named as given (slug = kebab of the name), created a day apart.</summary>
    public IReadOnlyList<Tenant> AddTenants(params string[] names)
    {
        using var db = CreateDbContext();
        var start = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var tenants = names.Select((name, i) => new Tenant
        {
            Name = name,
            Slug = name.ToLowerInvariant().Replace(' ', '-'),
            OwnerName = "Owner " + i,
            OwnerEmail = $"owner{i}@{name.ToLowerInvariant().Replace(' ', '-')}.test",
            Status = i % 5 == 0 ? TenantStatus.Trial : TenantStatus.Active,
            PlanId = i % 2 == 0 ? PlanCatalog.Starter : PlanCatalog.Professional,
            Region = Regions.All[i % Regions.All.Count],
            StripeCustomerId = $"cus_test{i:D10}",
            CreatedAt = start.AddDays(i),
            UpdatedAt = start.AddDays(i),
        }).ToList();
        db.Tenants.AddRange(tenants);
        db.TenantSlugs.AddRange(tenants.Select(t => new TenantSlug { Slug = t.Slug, TenantId = t.Id }));
        db.SaveChanges();
        Commands.Reset();
        return tenants;
    }

    /// <summary>Gives the named tenant another status (as deleting a tenant does).</summary>
    public void SetStatus(string name, TenantStatus status)
    {
        using var db = CreateDbContext();
        db.Tenants.Single(t => t.Name == name).Status = status;
        db.SaveChanges();
        Commands.Reset();
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }
    }
}

/// <summary>
/// Records the text of every SQL command that reads the tenants table, and can hold such reads
/// (as a slow database would) until a test lets them go.
/// </summary>
public sealed class CommandCounter : DbCommandInterceptor
{
    private readonly List<string> _commands = [];
    private volatile TaskCompletionSource? _hold;

    /// <summary>From now on, reads of the tenants table wait until <see cref="Release"/>.</summary>
    public void Hold() => _hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Lets the held reads (and every later one) run.</summary>
    public void Release()
    {
        var hold = _hold;
        _hold = null;
        hold?.TrySetResult();
    }

    public IReadOnlyList<string> TenantReads
    {
        get
        {
            lock (_commands)
            {
                return _commands.ToList();
            }
        }
    }

    public void Reset()
    {
        lock (_commands)
        {
            _commands.Clear();
        }
    }

    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        if (Record(command) && _hold is { } hold)
        {
            await hold.Task.WaitAsync(cancellationToken);
        }

        return await base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Record(command);
        return base.ReaderExecuting(command, eventData, result);
    }

    private bool Record(DbCommand command)
    {
        if (!command.CommandText.Contains("FROM \"tenants\"", StringComparison.Ordinal))
        {
            return false;
        }

        lock (_commands)
        {
            _commands.Add(command.CommandText);
        }

        return true;
    }
}
