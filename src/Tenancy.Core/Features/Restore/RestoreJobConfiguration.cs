using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tenancy.Core.Features.Audit;
using Tenancy.Core.Features.Tenants;

namespace Tenancy.Core.Features.Restore;

internal sealed class RestoreJobConfiguration : IEntityTypeConfiguration<RestoreJob>
{
    public const string ActiveIndex = "ux_restore_jobs_active";

    public void Configure(EntityTypeBuilder<RestoreJob> job)
    {
        job.ToTable("restore_jobs");

        // Keyed by tenant, like suspensions; a queue, so on Citus it stays on the coordinator (decision 0006).
        job.HasKey(j => new { j.TenantId, j.Id });
        job.Property(j => j.Kind).HasConversion<string>().HasMaxLength(16);
        job.Property(j => j.State).HasConversion<string>().HasMaxLength(16);
        job.Property(j => j.Reason).HasMaxLength(AuditEntry.ReasonMaxLength);
        job.Property(j => j.RequestedBy).HasMaxLength(200);
        job.Property(j => j.RequestedBySubject).HasMaxLength(200);
        job.Property(j => j.Error).HasMaxLength(RestoreJob.ErrorMaxLength);
        job.Ignore(j => j.IsActive);
        job.HasOne<Tenant>().WithMany().HasForeignKey(j => j.TenantId).OnDelete(DeleteBehavior.Cascade);

        // The history, newest first; the queue in request order (only unfinished jobs are in it);
        // and at most one unfinished job per tenant, so two requests racing cannot both queue.
        job.HasIndex(j => new { j.TenantId, j.RequestedAt });
        job.HasIndex(j => new { j.RequestedAt, j.Id }, "ix_restore_jobs_unfinished")
            .HasFilter("state IN ('Queued', 'Running')");
        job.HasIndex(j => j.TenantId, ActiveIndex)
            .IsUnique()
            .HasFilter("state IN ('Queued', 'Running')");
    }
}
