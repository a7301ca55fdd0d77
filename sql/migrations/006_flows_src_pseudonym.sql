-- Hosts whose addresses the sensor pseudonymises (hosts.pseudonymize): the record's src_ip holds
-- the pseudonym (h- and 16 hex digits), which an IPv6 column cannot hold. Such a row has
-- src_ip = '::' and the pseudonym here; a row with a real address has ''. One value per host,
-- hence LowCardinality. io.agentwatch.schema.FlowColumns declares the column,
-- io.agentwatch.store.FlowRows writes it.
ALTER TABLE flows ADD COLUMN IF NOT EXISTS src_pseudonym LowCardinality(String) DEFAULT '';
