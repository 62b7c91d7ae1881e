namespace Tenancy.Core.Features.Access;

/// <summary>Why a tenant may do nothing at all now, whatever its quotas (<see cref="TenantAccess.DenialFor"/>).</summary>
public enum AccessDenial : byte
{
    /// <summary>Not denied: its quotas decide.</summary>
    None,

    /// <summary>Suspended, by billing or by staff.</summary>
    Suspended,

    /// <summary>Being restored to an earlier point in time (a restore is queued or running), so it takes no writes.</summary>
    Restoring,

    /// <summary>No such tenant, or it was deleted.</summary>
    NotFound,
}
