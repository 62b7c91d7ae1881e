namespace Tenancy.Core.Features.Audit;

/// <summary>
/// One staff action, recorded in the same transaction as the change it describes. Append-only:
/// every property is init-only, nothing in the code updates or deletes entries, and the
/// database rejects UPDATE and DELETE on the table (triggers installed by the migrations).
/// </summary>
public sealed class AuditEntry
{
    public const int ReasonMinLength = 10;
    public const int ReasonMaxLength = 1_000;

    public Guid Id { get; init; } = Guid.CreateVersion7();

    public DateTime OccurredAt { get; init; }

    /// <summary>The identity provider's subject (<c>sub</c>) of the member of staff.</summary>
    public required string ActorSubject { get; init; }

    public required string ActorName { get; init; }

    public string? ActorEmail { get; init; }

    /// <summary>What happened, as <c>area.verb</c>: <c>quota.changed</c>, <c>tenant.suspended</c>.</summary>
    public required string Action { get; init; }

    /// <summary>The tenant acted on, if any.</summary>
    public Guid? TenantId { get; init; }

    /// <summary>The state before the change, as JSON.</summary>
    public string? Before { get; init; }

    /// <summary>The state after the change, as JSON.</summary>
    public string? After { get; init; }

    /// <summary>Why, in the words of the member of staff (required for quota changes, suspensions and restores).</summary>
    public string? Reason { get; init; }

    /// <summary>Ties the entry to the request's logs and traces.</summary>
    public required string CorrelationId { get; init; }
}
