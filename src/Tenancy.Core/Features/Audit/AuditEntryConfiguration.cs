using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tenancy.Core.Features.Audit;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> entry)
    {
        entry.ToTable("audit_log");
        entry.HasKey(e => e.Id);
        entry.Property(e => e.ActorSubject).HasMaxLength(200);
        entry.Property(e => e.ActorName).HasMaxLength(200);
        entry.Property(e => e.ActorEmail).HasMaxLength(254);
        entry.Property(e => e.Action).HasMaxLength(64);
        entry.Property(e => e.Reason).HasMaxLength(AuditEntry.ReasonMaxLength);
        entry.Property(e => e.CorrelationId).HasMaxLength(64);

        // Keyset paging newest first, globally and per filter.
        entry.HasIndex(e => new { e.OccurredAt, e.Id });
        entry.HasIndex(e => new { e.TenantId, e.OccurredAt, e.Id });
        entry.HasIndex(e => new { e.ActorSubject, e.OccurredAt, e.Id });
        entry.HasIndex(e => new { e.Action, e.OccurredAt, e.Id });
    }
}
