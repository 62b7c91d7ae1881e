using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tenancy.Core.Features.Tenants;

namespace Tenancy.Core.Features.Notes;

internal sealed class TenantNoteConfiguration : IEntityTypeConfiguration<TenantNote>
{
    public const string TableName = "tenant_notes";

    /// <summary>The index that lets a tenant have one pinned note at most, whoever pins at the same moment.</summary>
    public const string OnePinnedIndex = "ux_tenant_notes_pinned";

    public void Configure(EntityTypeBuilder<TenantNote> note)
    {
        note.ToTable(TableName);
        note.HasKey(n => new { n.TenantId, n.Id });
        note.Property(n => n.Text).HasMaxLength(TenantNote.TextMaxLength);
        note.Property(n => n.AuthorSubject).HasMaxLength(200);
        note.Property(n => n.AuthorName).HasMaxLength(200);
        note.Property(n => n.PinnedBy).HasMaxLength(200);
        note.Property(n => n.DeletedBy).HasMaxLength(200);
        note.Ignore(n => n.IsDeleted);
        note.HasOne<Tenant>().WithMany().HasForeignKey(n => n.TenantId).OnDelete(DeleteBehavior.Cascade);

        // A tenant's notes newest first.
        note.HasIndex(n => new { n.TenantId, n.CreatedAt });

        // One pinned note per tenant: two staff pinning at the same moment cannot both commit.
        // The same filter reads as a boolean on PostgreSQL and as 0/1 on SQLite.
        note.HasIndex(n => n.TenantId, OnePinnedIndex)
            .IsUnique()
            .HasFilter("pinned");
    }
}
