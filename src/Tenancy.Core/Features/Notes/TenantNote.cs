namespace Tenancy.Core.Features.Notes;

/// <summary>
/// A short note staff write on a tenant ("Customer is migrating off v1 until March, call Dana
/// before suspending"). Control plane, not tenant data: a tenant restore never rewinds it. At
/// most one note of a tenant is pinned (a unique partial index), and it shows in the tenant
/// page's header. A deleted note is kept, marked, for the audit trail and hidden everywhere else.
/// </summary>
public sealed class TenantNote
{
    public const int TextMaxLength = 2_000;

    public Guid TenantId { get; init; }

    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary>Trimmed, 1 to <see cref="TextMaxLength"/> characters; line breaks kept.</summary>
    public required string Text { get; init; }

    /// <summary>The identity provider's subject of the author: who may delete it besides an Admin.</summary>
    public required string AuthorSubject { get; init; }

    public required string AuthorName { get; init; }

    public DateTime CreatedAt { get; init; }

    public bool Pinned { get; set; }

    public DateTime? PinnedAt { get; set; }

    public string? PinnedBy { get; set; }

    public DateTime? DeletedAt { get; set; }

    public string? DeletedBy { get; set; }

    public bool IsDeleted => DeletedAt is not null;
}
