namespace Tenancy.Core.Features.Suspensions;

/// <summary>
/// Audit actions of suspensions: written when staff suspend or resume a tenant, and by billing
/// when it suspends a tenant or lifts its billing suspension.
/// </summary>
public static class SuspensionAuditActions
{
    public const string Suspended = "tenant.suspended";
    public const string Resumed = "tenant.resumed";
}
