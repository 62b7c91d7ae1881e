namespace Tenancy.Core.Data.Citus;

/// <summary>Where a table lives on a Citus cluster (decision 0006).</summary>
public enum TablePlacement
{
    /// <summary>
    /// A plain table on the coordinator: the control plane (the tenant catalog, plans, quotas,
    /// billing, suspensions, queues, audit). One row or a few per tenant; browsed, counted and
    /// locked as on a single PostgreSQL server.
    /// </summary>
    Coordinator,

    /// <summary>Sharded by <c>tenant_id</c>, every such table colocated: tenant data and its change log.</summary>
    DistributedByTenant,
}

/// <summary>One table of the model and where it lives on Citus.</summary>
public sealed record TableDistribution(string Table, TablePlacement Placement);
