using Tenancy.Core.Features.Access;
using Tenancy.Core.Features.Tenants;

namespace Tenancy.Core.Features.Suspensions;

/// <summary>Why a tenant is suspended. <see cref="Billing"/> is set and lifted by billing; the rest by staff.</summary>
public enum SuspensionCategory
{
    Billing,
    Abuse,
    Compliance,
    CustomerRequest,
    Other,
}

public static class SuspensionCategories
{
    /// <summary>The categories staff choose from.</summary>
    public static readonly IReadOnlyList<SuspensionCategory> Manual =
        [SuspensionCategory.Abuse, SuspensionCategory.Compliance, SuspensionCategory.CustomerRequest, SuspensionCategory.Other];

    public static string ToLabel(this SuspensionCategory category) => category switch
    {
        SuspensionCategory.Billing => "Billing",
        SuspensionCategory.Abuse => "Abuse",
        SuspensionCategory.Compliance => "Compliance",
        SuspensionCategory.CustomerRequest => "Customer request",
        SuspensionCategory.Other => "Other",
        _ => category.ToString(),
    };

    /// <summary>What a tenant with these active suspensions is told when it is refused (<see cref="TenantAccess.SuspendedMessage"/>).</summary>
    public static string DenialMessage(this IEnumerable<SuspensionCategory> active)
    {
        var categories = active.Distinct().Order().ToList();
        var forBilling = categories.Remove(SuspensionCategory.Billing);
        return TenantAccess.SuspendedMessage(forBilling, [.. categories.Select(c => c.ToLabel())]);
    }
}

/// <summary>
/// One suspension of a tenant, from start to lift. A tenant is suspended while any of its
/// suspensions is active (not lifted). Control plane; tenant id leads the key.
/// </summary>
public sealed class Suspension
{
    public const int ReasonMaxLength = 1000;

    public Guid TenantId { get; init; }

    public Guid Id { get; init; } = Guid.CreateVersion7();

    public SuspensionCategory Category { get; init; }

    public bool IsBilling => Category == SuspensionCategory.Billing;

    public required string Reason { get; init; }

    public DateTime StartedAt { get; init; }

    public required string StartedBy { get; init; }

    /// <summary>The tenant's status before it was suspended, to return to when nothing else decides it.</summary>
    public TenantStatus StatusBefore { get; init; }

    public DateTime? LiftedAt { get; set; }

    public string? LiftedBy { get; set; }

    public string? LiftReason { get; set; }

    public bool IsActive => LiftedAt is null;
}
