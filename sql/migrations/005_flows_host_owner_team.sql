-- Host attribution fields added to FlowRecord (schemas/avro/FlowRecord.avsc, appended with
-- defaults): who owns the host and which team it belongs to, from the sensor's host inventory
-- (network mode). Same conventions as 001: absent text is ''; io.agentwatch.store.FlowRows writes
-- these columns. Few distinct values per fleet, hence LowCardinality.
ALTER TABLE flows ADD COLUMN IF NOT EXISTS host_owner LowCardinality(String) DEFAULT '';
ALTER TABLE flows ADD COLUMN IF NOT EXISTS host_team LowCardinality(String) DEFAULT '';
