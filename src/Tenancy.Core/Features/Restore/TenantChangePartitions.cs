namespace Tenancy.Core.Features.Restore;

/// <summary>
/// On PostgreSQL <c>tenant_changes</c> is partitioned by week of <c>changed_at</c> (Monday 00:00
/// UTC), so the retention purge drops whole partitions instead of deleting rows (decision 0005).
/// A <c>DEFAULT</c> partition catches a change no weekly partition covers yet (the purge sweep
/// creates them <see cref="WeeksAhead"/> weeks ahead), so a write never fails for want of one.
/// </summary>
public static class TenantChangePartitions
{
    /// <summary>Name of the function that creates the missing weekly partitions from a time on: <c>tenant_changes_ensure_partitions(from, weeks)</c>.</summary>
    public const string EnsureFunction = "tenant_changes_ensure_partitions";

    /// <summary>Weeks of partitions created ahead of the current one.</summary>
    public const int WeeksAhead = 2;

    /// <summary>
    /// Creates the partitioned table, its default partition and the ensure function, then this
    /// week's and the next weeks' partitions: the table as migration CaptureTenantChanges created
    /// it, one row per change (ChangeLogEntries turned the row columns into entries' arrays).
    /// </summary>
    public static readonly string CreateTableSql =
        $"""
        CREATE TABLE tenant_changes (
            tenant_id uuid NOT NULL,
            changed_at timestamp with time zone NOT NULL,
            seq bigint GENERATED ALWAYS AS IDENTITY,
            table_name character varying(63) NOT NULL,
            row_key jsonb NOT NULL,
            op character(1) NOT NULL,
            before jsonb,
            transaction_id bigint,
            actor character varying(200),
            CONSTRAINT "PK_tenant_changes" PRIMARY KEY (tenant_id, changed_at, seq)
        ) PARTITION BY RANGE (changed_at);
        CREATE TABLE tenant_changes_default PARTITION OF tenant_changes DEFAULT;

        CREATE OR REPLACE FUNCTION {EnsureFunction}(from_time timestamp with time zone, weeks integer)
        RETURNS integer LANGUAGE plpgsql AS $ensure$
        DECLARE
          week_start timestamp with time zone := date_trunc('week', from_time AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
          created integer := 0;
          name text;
        BEGIN
          FOR i IN 0..weeks LOOP
            name := 'tenant_changes_w' || to_char(week_start AT TIME ZONE 'UTC', 'YYYYMMDD');
            -- A week whose rows already went to the default partition keeps them there (a
            -- partition cannot be carved out of it); the purge deletes them in time.
            IF to_regclass(name) IS NULL AND NOT EXISTS (
                SELECT 1 FROM tenant_changes_default
                WHERE changed_at >= week_start AND changed_at < week_start + interval '7 days') THEN
              EXECUTE format('CREATE TABLE %I PARTITION OF tenant_changes FOR VALUES FROM (%L) TO (%L)',
                             name, week_start, week_start + interval '7 days');
              created := created + 1;
            END IF;
            week_start := week_start + interval '7 days';
          END LOOP;
          RETURN created;
        END
        $ensure$;
        SELECT {EnsureFunction}(now(), {WeeksAhead});
        """;

    public static readonly string DropTableSql =
        $"""
        DROP TABLE tenant_changes;
        DROP FUNCTION IF EXISTS {EnsureFunction}(timestamp with time zone, integer);
        """;
}
