using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tenancy.Core.Features.Usage;

/// <summary>
/// A key a product that does not embed the backend sends usage with (<c>POST /api/usage</c>,
/// <c>usage_api_keys</c>). Only a SHA-256 hash of the secret is stored; the secret is shown once,
/// when an Admin creates the key. Revoked keys stay, for the audit trail.
/// </summary>
public sealed class UsageApiKey
{
    public const int NameMaxLength = 100;

    /// <summary>Length of <see cref="Prefix"/>: the secret's first characters, shown so staff can tell keys apart.</summary>
    public const int PrefixLength = 12;

    public Guid Id { get; init; }

    public required string Name { get; set; }

    public required string Prefix { get; init; }

    /// <summary>SHA-256 of the whole secret, lowercase hex.</summary>
    public required string SecretHash { get; init; }

    /// <summary>Events accepted per second (a token bucket per key and instance); null takes <see cref="UsageOptions.DefaultIngestRatePerSecond"/>.</summary>
    public int? RatePerSecond { get; set; }

    public required string CreatedBy { get; init; }

    public DateTime CreatedAt { get; init; }

    public DateTime? LastUsedAt { get; set; }

    public string? RevokedBy { get; set; }

    public DateTime? RevokedAt { get; set; }

    public bool IsRevoked => RevokedAt is not null;
}

/// <summary>
/// An event id the ingest API has counted, per key (<c>usage_ingest_ids</c>): a re-sent event
/// finds its id and counts once. Kept for <see cref="UsageOptions.IngestIdRetention"/>.
/// </summary>
public sealed class UsageIngestId
{
    public const int EventIdMaxLength = 100;

    public Guid ApiKeyId { get; init; }

    public required string EventId { get; init; }

    public DateTime ReceivedAt { get; init; }
}

internal sealed class UsageApiKeyConfiguration : IEntityTypeConfiguration<UsageApiKey>
{
    public void Configure(EntityTypeBuilder<UsageApiKey> key)
    {
        key.ToTable("usage_api_keys");
        key.HasKey(k => k.Id);
        key.Property(k => k.Name).HasMaxLength(UsageApiKey.NameMaxLength);
        key.Property(k => k.Prefix).HasMaxLength(UsageApiKey.PrefixLength);
        key.Property(k => k.SecretHash).HasMaxLength(64);
        key.Property(k => k.CreatedBy).HasMaxLength(200);
        key.Property(k => k.RevokedBy).HasMaxLength(200);
        key.Ignore(k => k.IsRevoked);
        key.HasIndex(k => k.SecretHash).IsUnique();
    }
}

internal sealed class UsageIngestIdConfiguration : IEntityTypeConfiguration<UsageIngestId>
{
    public void Configure(EntityTypeBuilder<UsageIngestId> id)
    {
        id.ToTable("usage_ingest_ids");
        id.HasKey(i => new { i.ApiKeyId, i.EventId });
        id.Property(i => i.EventId).HasMaxLength(UsageIngestId.EventIdMaxLength);
        id.HasIndex(i => i.ReceivedAt);
        id.HasOne<UsageApiKey>().WithMany().HasForeignKey(i => i.ApiKeyId).OnDelete(DeleteBehavior.Cascade);
    }
}
