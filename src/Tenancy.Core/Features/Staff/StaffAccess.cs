namespace Tenancy.Core.Features.Staff;

/// <summary>Portal roles. Each may do everything the one before it may.</summary>
public enum StaffRole
{
    Viewer,
    Support,
    Admin,
}

/// <summary>What a member of staff may do. Pages, endpoints and services check capabilities, not roles.</summary>
public enum StaffCapability
{
    /// <summary>Read tenants, usage, billing and the audit log.</summary>
    View,

    /// <summary>Change quota overrides and plans.</summary>
    EditQuotas,

    /// <summary>Suspend and resume tenants by hand.</summary>
    Suspend,

    /// <summary>Point-in-time restores and other destructive actions.</summary>
    Restore,

    /// <summary>Replay failed billing events and other operator actions.</summary>
    OperateBilling,

    /// <summary>Give a past-due tenant more time to pay (up to <c>Billing:MaxGracePeriod</c>).</summary>
    ExtendGrace,

    /// <summary>Move a tenant's data to a shard of its own on a Citus cluster (decision 0006).</summary>
    IsolateTenant,

    /// <summary>Create and revoke the API keys products send usage with (<c>POST /api/usage</c>).</summary>
    ManageUsageKeys,

    /// <summary>Write notes on a tenant, pin and unpin them, and delete one's own.</summary>
    WriteNotes,

    /// <summary>Delete any member of staff's note on a tenant (kept, marked deleted, for the audit trail).</summary>
    DeleteAnyNote,
}

public static class StaffAccess
{
    /// <summary>The one table of who may do what.</summary>
    public static IReadOnlySet<StaffCapability> CapabilitiesOf(StaffRole role) => role switch
    {
        StaffRole.Viewer => ViewerCapabilities,
        StaffRole.Support => SupportCapabilities,
        StaffRole.Admin => AdminCapabilities,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };

    /// <summary>The roles that grant <paramref name="capability"/>.</summary>
    public static IReadOnlyList<StaffRole> RolesWith(StaffCapability capability) =>
        Enum.GetValues<StaffRole>().Where(r => CapabilitiesOf(r).Contains(capability)).ToList();

    private static readonly HashSet<StaffCapability> ViewerCapabilities = [StaffCapability.View];

    private static readonly HashSet<StaffCapability> SupportCapabilities =
        [.. ViewerCapabilities, StaffCapability.EditQuotas, StaffCapability.Suspend, StaffCapability.ExtendGrace, StaffCapability.WriteNotes];

    private static readonly HashSet<StaffCapability> AdminCapabilities =
        [.. SupportCapabilities, StaffCapability.Restore, StaffCapability.OperateBilling, StaffCapability.IsolateTenant, StaffCapability.ManageUsageKeys, StaffCapability.DeleteAnyNote];
}

/// <summary>
/// The member of staff behind an action, as the services see them: who (for the audit log) and
/// which roles (for the check every service makes before it changes anything).
/// </summary>
public sealed record StaffActor(string Subject, string Name, string? Email, IReadOnlySet<StaffRole> Roles)
{
    public bool Can(StaffCapability capability) => Roles.Any(r => StaffAccess.CapabilitiesOf(r).Contains(capability));

    /// <summary>Throws <see cref="StaffForbiddenException"/> unless the actor has <paramref name="capability"/>.</summary>
    public void Demand(StaffCapability capability)
    {
        if (!Can(capability))
        {
            throw new StaffForbiddenException(this, capability);
        }
    }
}

/// <summary>A member of staff tried something their role does not allow.</summary>
public sealed class StaffForbiddenException(StaffActor actor, StaffCapability capability)
    : InvalidOperationException($"{actor.Name} ({(actor.Roles.Count == 0 ? "no role" : string.Join(", ", actor.Roles))}) may not {Describe(capability)}.")
{
    public StaffCapability Capability { get; } = capability;

    private static string Describe(StaffCapability capability) => capability switch
    {
        StaffCapability.View => "view tenants",
        StaffCapability.EditQuotas => "edit quotas",
        StaffCapability.Suspend => "suspend or resume tenants",
        StaffCapability.Restore => "restore tenants",
        StaffCapability.ExtendGrace => "extend grace periods",
        StaffCapability.IsolateTenant => "move tenants to shards of their own",
        StaffCapability.ManageUsageKeys => "create or revoke usage API keys",
        StaffCapability.WriteNotes => "write, pin or delete notes on tenants",
        StaffCapability.DeleteAnyNote => "delete other staff's notes",
        _ => "operate billing",
    };
}
