namespace Tenancy.Core.Features.Restore;

/// <summary>What a <see cref="TenantChange"/> did; stored as one letter, the way the triggers write it.</summary>
public enum TenantChangeOp
{
    /// <summary><c>I</c>: the row did not exist before.</summary>
    Insert,

    /// <summary><c>U</c>: the row existed; its before-image is kept.</summary>
    Update,

    /// <summary><c>D</c>: the row existed; its before-image is kept.</summary>
    Delete,

    /// <summary><c>L</c>: a bulk load (the demo seed) wrote the tenant's data without capture; its history starts here.</summary>
    HistoryStart,
}
