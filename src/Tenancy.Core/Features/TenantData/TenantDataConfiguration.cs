using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tenancy.Core.Features.TenantData;

/// <summary>
/// Column widths of tenant data: the same as the tenant catalog's own names and emails. Each
/// table's foreign key to <c>tenants</c> is declared on the tenant's side
/// (<c>Tenants.TenantConfiguration</c>), so tenant data does not depend on the catalog.
/// </summary>
internal static class TenantDataColumns
{
    public const int NameMaxLength = 200;
    public const int EmailMaxLength = 254;
}

internal sealed class MemberConfiguration : IEntityTypeConfiguration<Member>
{
    public void Configure(EntityTypeBuilder<Member> member)
    {
        member.ToTable("members");
        member.HasKey(m => new { m.TenantId, m.Id });
        member.Property(m => m.Email).HasMaxLength(TenantDataColumns.EmailMaxLength);
        member.Property(m => m.Name).HasMaxLength(TenantDataColumns.NameMaxLength);
        member.Property(m => m.Role).HasConversion<string>().HasMaxLength(16);
        member.HasIndex(m => new { m.TenantId, m.Email }).IsUnique();
    }
}

internal sealed class ProjectConfiguration : IEntityTypeConfiguration<Project>
{
    public void Configure(EntityTypeBuilder<Project> project)
    {
        project.ToTable("projects");
        project.HasKey(p => new { p.TenantId, p.Id });
        project.Property(p => p.Name).HasMaxLength(TenantDataColumns.NameMaxLength);
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
        item.Property(i => i.Title).HasMaxLength(TenantDataColumns.NameMaxLength);
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
    }
}
