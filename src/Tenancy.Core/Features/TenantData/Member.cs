namespace Tenancy.Core.Features.TenantData;

public enum MemberRole
{
    Owner,
    Admin,
    Member,
    Guest,
}

/// <summary>A user seat in a tenant organisation.</summary>
public sealed class Member : ITenantOwned
{
    public Guid TenantId { get; init; }

    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required string Email { get; set; }

    public required string Name { get; set; }

    public MemberRole Role { get; set; } = MemberRole.Member;

    public DateTime CreatedAt { get; set; }
}
