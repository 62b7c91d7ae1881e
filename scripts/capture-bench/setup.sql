-- Benchmark schema: a table shaped like project_items (10,000 rows of one tenant), the partitioned log and both trigger styles.
DROP TABLE IF EXISTS items, tenant_changes CASCADE;
CREATE TABLE tenant_changes (
  tenant_id uuid NOT NULL, changed_at timestamptz NOT NULL DEFAULT now(), seq bigint GENERATED ALWAYS AS IDENTITY,
  table_name text NOT NULL, row_key jsonb NOT NULL, op char(1) NOT NULL, before jsonb,
  transaction_id bigint NOT NULL DEFAULT txid_current(), actor text DEFAULT current_setting('tenancy.actor', true),
  PRIMARY KEY (tenant_id, changed_at, seq)) PARTITION BY RANGE (changed_at);
CREATE TABLE tenant_changes_default PARTITION OF tenant_changes DEFAULT;
CREATE TABLE items (tenant_id uuid NOT NULL, id bigint NOT NULL, title varchar(200) NOT NULL, size_bytes bigint NOT NULL,
  created_at timestamp NOT NULL DEFAULT now(), updated_at timestamp NOT NULL DEFAULT now(), PRIMARY KEY (tenant_id, id));
CREATE OR REPLACE FUNCTION capture_row() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM pg_advisory_xact_lock_shared(hashtextextended(NEW.tenant_id::text, 7));
    INSERT INTO tenant_changes (tenant_id, table_name, row_key, op, before)
    VALUES (NEW.tenant_id, TG_ARGV[0], jsonb_build_object('id', NEW.id), 'I', NULL);
    RETURN NULL;
  END IF;
  PERFORM pg_advisory_xact_lock_shared(hashtextextended(OLD.tenant_id::text, 7));
  INSERT INTO tenant_changes (tenant_id, table_name, row_key, op, before)
  VALUES (OLD.tenant_id, TG_ARGV[0], jsonb_build_object('id', OLD.id), left(TG_OP, 1), to_jsonb(OLD));
  RETURN NULL;
END $f$;
CREATE OR REPLACE FUNCTION capture_ins_stmt() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
  PERFORM pg_advisory_xact_lock_shared(hashtextextended(t::text, 7)) FROM (SELECT DISTINCT tenant_id t FROM new_rows ORDER BY 1) d;
  INSERT INTO tenant_changes (tenant_id, table_name, row_key, op, before)
  SELECT n.tenant_id, TG_ARGV[0], jsonb_build_object('id', n.id), 'I', NULL FROM new_rows n;
  RETURN NULL;
END $f$;
CREATE OR REPLACE FUNCTION capture_old_stmt() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
  PERFORM pg_advisory_xact_lock_shared(hashtextextended(t::text, 7)) FROM (SELECT DISTINCT tenant_id t FROM old_rows ORDER BY 1) d;
  INSERT INTO tenant_changes (tenant_id, table_name, row_key, op, before)
  SELECT o.tenant_id, TG_ARGV[0], jsonb_build_object('id', o.id), left(TG_OP, 1), to_jsonb(o) FROM old_rows o;
  RETURN NULL;
END $f$;
CREATE OR REPLACE FUNCTION capture_ins_stmt_nolock() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
  INSERT INTO tenant_changes (tenant_id, table_name, row_key, op, before)
  SELECT n.tenant_id, TG_ARGV[0], jsonb_build_object('id', n.id), 'I', NULL FROM new_rows n;
  RETURN NULL;
END $f$;
CREATE OR REPLACE FUNCTION capture_old_stmt_nolock() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
  INSERT INTO tenant_changes (tenant_id, table_name, row_key, op, before)
  SELECT o.tenant_id, TG_ARGV[0], jsonb_build_object('id', o.id), left(TG_OP, 1), to_jsonb(o) FROM old_rows o;
  RETURN NULL;
END $f$;
INSERT INTO items SELECT '0190d3a6-0000-7000-8000-000000000001', g, 'item ' || g, g FROM generate_series(1, 10000) g;
VACUUM ANALYZE items;
