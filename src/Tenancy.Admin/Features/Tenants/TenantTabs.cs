using Tenancy.Admin.Features.Audit;
using Tenancy.Admin.Features.Billing;
using Tenancy.Admin.Features.Notes;
using Tenancy.Admin.Features.Quotas;
using Tenancy.Admin.Features.Restore;
using Tenancy.Admin.Features.Usage;
using Tenancy.Core.Features.Staff;

namespace Tenancy.Admin.Features.Tenants;

/// <summary>
/// The tabs of the tenant page after Overview, in the order it shows them. <c>/tenants/{id}</c>
/// is the overview; <c>/tenants/{id}/{slug}</c> opens a tab. A new tab is one registration here:
/// a field, and the field in <see cref="All"/>.
/// </summary>
public static class TenantTabs
{
    /// <summary>Everyone reads the notes; writing, pinning and deleting need <see cref="StaffCapability.WriteNotes"/> (checked again by the service).</summary>
    public static readonly TenantTab Notes = TenantTab.Of<TenantNotesPanel>("notes", "Notes", StaffCapability.View);

    public static readonly TenantTab Quotas = TenantTab.Of<TenantQuotasPanel>("quotas", "Quotas", StaffCapability.View);

    /// <summary>Usage over time per metric against its quota; read-only, so every role sees it.</summary>
    public static readonly TenantTab Usage = TenantTab.Of<TenantUsagePanel>(UsageUrl.TabSlug, "Usage", StaffCapability.View);

    public static readonly TenantTab Billing = TenantTab.Of<TenantBillingPanel>("billing", "Billing", StaffCapability.View);

    /// <summary>Everyone sees the window, the change activity and the history; previews, restores and undos need the Admin role (checked again by the service).</summary>
    public static readonly TenantTab Restore = TenantTab.Of<TenantRestorePanel>("restore", "Restore", StaffCapability.View);

    public static readonly TenantTab Audit = TenantTab.Of<TenantAuditHistory>("audit", "Audit history", StaffCapability.View);

    public static IReadOnlyList<TenantTab> All { get; } = Distinct([Notes, Quotas, Usage, Billing, Restore, Audit]);

    /// <summary>The tenant page on its overview.</summary>
    public static string OverviewUrl(Guid tenantId) => $"/tenants/{tenantId}";

    /// <summary>The tab whose slug is <paramref name="slug"/> (any case), or null.</summary>
    public static TenantTab? Find(string slug) =>
        All.FirstOrDefault(t => string.Equals(t.Slug, slug, StringComparison.OrdinalIgnoreCase));

    private static TenantTab[] Distinct(TenantTab[] tabs)
    {
        if (tabs.GroupBy(t => t.Slug).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new InvalidOperationException($"Two tenant tabs have the slug '{twice.Key}'.");
        }

        return tabs;
    }
}
