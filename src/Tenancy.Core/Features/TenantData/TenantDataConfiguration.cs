using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tenancy.Core.Features.Tenants;

namespace Tenancy.Core.Features.TenantData;

internal sealed class MemberConfiguration : IEntityTypeConfiguration<Member>
{
    public void Configure(EntityTypeBuilder<Member> member)
    {
        member.ToTable("members");
        member.HasKey(m => new { m.TenantId, m.Id });
        member.Property(m => m.Email).HasMaxLength(Tenant.EmailMaxLength);
        member.Property(m => m.Name).HasMaxLength(Tenant.NameMaxLength);
        member.Property(m => m.Role).HasConversion<string>().HasMaxLength(16);
        member.HasIndex(m => new { m.TenantId, m.Email }).IsUnique();
        member.HasOne<Tenant>().WithMany().HasForeignKey(m => m.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ProjectConfiguration : IEntityTypeConfiguration<Project>
{
    public void Configure(EntityTypeBuilder<Project> project)
    {
        project.ToTable("projects");
        project.HasKey(p => new { p.TenantId, p.Id });
        project.Property(p => p.Name).HasMaxLength(Tenant.NameMaxLength);
        project.HasOne<Tenant>().WithMany().HasForeignKey(p => p.TenantId).OnDelete(DeleteBehavior.Cascade);
        project.HasMany(p => p.Items).WithOne()
            .HasForeignKey(i => new { i.TenantId, i.ProjectId })
            .HasPrincipalKey(p => new { p.TenantId, p.Id })
            .OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ProjectItemConfiguration : IEntityTypeConfiguration<ProjectItem>
{
    public void Configure(EntityTypeBuilder<ProjectItem> item)
    {
        item.ToTable("project_items");
        item.HasKey(i => new { i.TenantId, i.Id });
        item.Property(i => i.Title).HasMaxLength(Tenant.NameMaxLength);
        item.HasIndex(i => new { i.TenantId, i.ProjectId });
    }
}

internal sealed class TenantSettingConfiguration : IEntityTypeConfiguration<TenantSetting>
{
    public void Configure(EntityTypeBuilder<TenantSetting> setting)
    {
        setting.ToTable("tenant_settings");
        setting.HasKey(s => new { s.TenantId, s.Key });
        setting.Property(s => s.Key).HasMaxLength(64);
        setting.Property(s => s.Value).HasMaxLength(2_000);
        setting.HasOne<Tenant>().WithMany().HasForeignKey(s => s.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}
