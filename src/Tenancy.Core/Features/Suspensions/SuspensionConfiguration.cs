using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tenancy.Core.Features.Tenants;

namespace Tenancy.Core.Features.Suspensions;

internal sealed class SuspensionConfiguration : IEntityTypeConfiguration<Suspension>
{
    public void Configure(EntityTypeBuilder<Suspension> suspension)
    {
        suspension.ToTable("suspensions");
        suspension.HasKey(s => new { s.TenantId, s.Id });
        suspension.Property(s => s.Category).HasConversion<string>().HasMaxLength(32);
        suspension.Property(s => s.StatusBefore).HasConversion<string>().HasMaxLength(16);
        suspension.Property(s => s.Reason).HasMaxLength(Suspension.ReasonMaxLength);
        suspension.Property(s => s.LiftReason).HasMaxLength(Suspension.ReasonMaxLength);
        suspension.Property(s => s.StartedBy).HasMaxLength(200);
        suspension.Property(s => s.LiftedBy).HasMaxLength(200);
        suspension.Ignore(s => s.IsBilling);
        suspension.Ignore(s => s.IsActive);
        suspension.HasOne<Tenant>().WithMany().HasForeignKey(s => s.TenantId).OnDelete(DeleteBehavior.Cascade);

        // History newest first; and at most one active billing suspension per tenant, so two
        // sweeps or processors racing cannot both suspend (the database refuses the second).
        suspension.HasIndex(s => new { s.TenantId, s.StartedAt });
        suspension.HasIndex(s => s.TenantId, "ux_suspensions_active_billing")
            .IsUnique()
            .HasFilter("category = 'Billing' AND lifted_at IS NULL");
    }
}
