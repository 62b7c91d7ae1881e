namespace Tenancy.Core.Features.TenantData;

/// <summary>A project a tenant's users work in.</summary>
public sealed class Project : ITenantOwned
{
    public Guid TenantId { get; init; }

    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required string Name { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    public List<ProjectItem> Items { get; } = [];
}

/// <summary>An item (document, file, record) inside a project; its size counts toward storage.</summary>
public sealed class ProjectItem : ITenantOwned
{
    public Guid TenantId { get; init; }

    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid ProjectId { get; set; }

    public required string Title { get; set; }

    public long SizeBytes { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}
