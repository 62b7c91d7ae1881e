using Microsoft.EntityFrameworkCore;
using Tenancy.Core.Features.Audit;
using Tenancy.Core.Features.Billing;
using Tenancy.Core.Features.Notes;
using Tenancy.Core.Features.Plans;
using Tenancy.Core.Features.Quotas;
using Tenancy.Core.Features.Restore;
using Tenancy.Core.Features.Suspensions;
using Tenancy.Core.Features.TenantData;
using Tenancy.Core.Features.Tenants;
using Tenancy.Core.Features.Usage;

namespace Tenancy.Core.Data;

/// <summary>
/// The tenancy model. One model, two providers: the provider-specific subclasses
/// (<see cref="PostgresTenancyDbContext"/>, <see cref="SqliteTenancyDbContext"/>) exist only so
/// each keeps its own migration set. Use it through <c>IDbContextFactory&lt;TenancyDbContext&gt;</c>,
/// one context per operation.
/// </summary>
public abstract class TenancyDbContext(DbContextOptions options) : DbContext(options)
{
    public abstract DatabaseProvider Provider { get; }

    public DbSet<Plan> Plans => Set<Plan>();

    public DbSet<Tenant> Tenants => Set<Tenant>();

    public DbSet<TenantSlug> TenantSlugs => Set<TenantSlug>();

    public DbSet<Member> Members => Set<Member>();

    public DbSet<Project> Projects => Set<Project>();

    public DbSet<ProjectItem> ProjectItems => Set<ProjectItem>();

    public DbSet<TenantSetting> TenantSettings => Set<TenantSetting>();

    public DbSet<AuditEntry> AuditLog => Set<AuditEntry>();

    public DbSet<DataProtectionKeyRow> DataProtectionKeys => Set<DataProtectionKeyRow>();

    public DbSet<PlanQuota> PlanQuotas => Set<PlanQuota>();

    public DbSet<TenantQuotaSet> TenantQuotaSets => Set<TenantQuotaSet>();

    public DbSet<UsageCounter> UsageCounters => Set<UsageCounter>();

    public DbSet<UsageBucket> UsageBuckets => Set<UsageBucket>();

    public DbSet<UsageDay> UsageDays => Set<UsageDay>();

    public DbSet<QuotaPressure> QuotaPressure => Set<QuotaPressure>();

    public DbSet<UsageFlush> UsageFlushes => Set<UsageFlush>();

    public DbSet<UsageWatermark> UsageWatermarks => Set<UsageWatermark>();

    public DbSet<UsageApiKey> UsageApiKeys => Set<UsageApiKey>();

    public DbSet<UsageIngestId> UsageIngestIds => Set<UsageIngestId>();

    public DbSet<StripeEvent> StripeEvents => Set<StripeEvent>();

    public DbSet<TenantBilling> TenantBillings => Set<TenantBilling>();

    public DbSet<Suspension> Suspensions => Set<Suspension>();

    public DbSet<TenantChange> TenantChanges => Set<TenantChange>();

    public DbSet<RestoreJob> RestoreJobs => Set<RestoreJob>();

    public DbSet<TenantNote> TenantNotes => Set<TenantNote>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(TenancyDbContext).Assembly);

        // These two depend on the provider, so they are applied by hand.
        modelBuilder.Entity<Tenant>(new TenantConfiguration(Provider).Configure);
        modelBuilder.Entity<TenantChange>(new TenantChangeConfiguration(Provider).Configure);
        SnakeCaseNames.Apply(modelBuilder);

        // Every write to tenant data is captured by triggers the migrations generate from this mark.
        ChangeCaptureSql.MarkCapturedTables(modelBuilder, typeof(ITenantOwned).IsAssignableFrom);
        modelBuilder.HasDbFunction(typeof(SearchFunctions).GetMethod(nameof(SearchFunctions.StrPos))!)
            .HasName(Provider == DatabaseProvider.Postgres ? "strpos" : "instr")
            .IsBuiltIn();
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every DateTime in the model is UTC; values read back are marked as such.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
    }
}

public sealed class PostgresTenancyDbContext(DbContextOptions<PostgresTenancyDbContext> options)
    : TenancyDbContext(options)
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasPostgresExtension("pg_trgm");
        base.OnModelCreating(modelBuilder);
    }
}

public sealed class SqliteTenancyDbContext(DbContextOptions<SqliteTenancyDbContext> options)
    : TenancyDbContext(options)
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}
