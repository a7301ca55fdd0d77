-- Identification fields added to FlowRecord after 001 (schemas/avro/FlowRecord.avsc, appended
-- with defaults): the ECH flag, the Community ID of the 5-tuple and the confidence of the vendor
-- identification. sni, alpn, ja4, dns_name and category exist since 001. Same conventions as 001:
-- absent text is '' (not Nullable); io.agentwatch.store.FlowRows writes these columns.
ALTER TABLE flows ADD COLUMN IF NOT EXISTS ech UInt8 DEFAULT 0;
ALTER TABLE flows ADD COLUMN IF NOT EXISTS community_id String DEFAULT '';
ALTER TABLE flows ADD COLUMN IF NOT EXISTS confidence LowCardinality(String) DEFAULT '';
