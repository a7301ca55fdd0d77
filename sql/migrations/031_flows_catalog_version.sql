-- The version of the endpoint catalog a sensor identified each flow with
-- (FlowRecord.catalog_version, appended with the default ''): a hash of the effective catalog's
-- content, so a row tells which catalog named its vendor, and `agentwatch catalog reidentify`
-- marks the rows it re-identified with the version it used. '' for rows of sensors older than the
-- field. io.agentwatch.schema.FlowColumns declares the column, io.agentwatch.store.FlowRows
-- writes it. A handful of versions per fleet, hence LowCardinality.
ALTER TABLE flows ADD COLUMN IF NOT EXISTS catalog_version LowCardinality(String) DEFAULT '';
