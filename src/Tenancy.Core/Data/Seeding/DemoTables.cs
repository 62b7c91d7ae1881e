namespace Tenancy.Core.Data.Seeding;

/// <summary>
/// The tables the demo loaders (<see cref="PostgresDemoLoader"/>, <see cref="SqliteDemoLoader"/>)
/// write, parents first, with their columns: one list for both providers, checked against the EF
/// model by a test (see <see cref="DemoTable"/>).
/// </summary>
internal static class DemoTables
{
    // The catalog. search_text is computed by the database.
    public static readonly DemoTable Tenants = new(
        "tenants",
        ["id", "name", "slug", "owner_name", "owner_email", "status", "plan_id", "region",
         "stripe_customer_id", "stripe_subscription_id", "created_at", "updated_at"],
        ["restore_job_id"]);

    public static readonly DemoTable TenantSlugs = new("tenant_slugs", "slug", "tenant_id");

    // Billing state as if Stripe's events had been applied; no event is in the inbox, so none is "last".
    public static readonly DemoTable TenantBilling = new(
        "tenant_billing",
        ["tenant_id", "subscription_id", "subscription_status", "past_due_since", "grace_deadline", "suspended_for_billing", "updated_at"],
        ["last_event_created_at", "last_event_id"]);

    public static readonly DemoTable Suspensions = new(
        "suspensions",
        "tenant_id", "id", "category", "reason", "started_at", "started_by", "status_before", "lifted_at", "lifted_by", "lift_reason");

    // Tenant data (what a per-tenant restore rewinds).
    public static readonly DemoTable Members = new("members", "tenant_id", "id", "email", "name", "role", "created_at");

    public static readonly DemoTable Projects = new("projects", "tenant_id", "id", "name", "created_at", "updated_at");

    public static readonly DemoTable ProjectItems = new(
        "project_items", "tenant_id", "id", "project_id", "title", "size_bytes", "created_at", "updated_at");

    public static readonly DemoTable TenantSettings = new("tenant_settings", "tenant_id", "key", "value", "updated_at");

    public static IReadOnlyList<DemoTable> All { get; } =
        [Tenants, TenantSlugs, TenantBilling, Suspensions, Members, Projects, ProjectItems, TenantSettings];

    /// <summary>The tables' names as a SQL list: <c>'tenants', 'tenant_slugs', …</c>.</summary>
    public static string NamesAsSqlList => string.Join(", ", All.Select(t => $"'{t.Name}'"));
}
