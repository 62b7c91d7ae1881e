using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tenancy.Core.Features.Plans;

internal sealed class PlanConfiguration : IEntityTypeConfiguration<Plan>
{
    public void Configure(EntityTypeBuilder<Plan> plan)
    {
        plan.ToTable("plans");
        plan.HasKey(p => p.Id);
        plan.Property(p => p.Id).HasMaxLength(32);
        plan.Property(p => p.Name).HasMaxLength(64);
        plan.Property(p => p.Currency).HasMaxLength(3).IsFixedLength(false);
        plan.HasData(PlanCatalog.All);
    }
}
