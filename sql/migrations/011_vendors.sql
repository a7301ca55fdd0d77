-- The endpoint catalog as a table, one row per vendor × service, so queries can name vendors
-- (vendors.name) and group them by category or policy. Filled when the stack starts from the
-- catalog its sensors use (io.agentwatch.store.VendorRows.replace): the whole content is replaced
-- each time, keeping the policy_tag a reviewer set for a vendor × service that is still listed.
-- policy_tag is the organisation's verdict on the service (e.g. approved, tolerated, blocked);
-- 'unreviewed' until someone sets it (ALTER TABLE vendors UPDATE policy_tag = ... WHERE ...).
CREATE TABLE IF NOT EXISTS vendors
(
    vendor        LowCardinality(String),
    service       LowCardinality(String),
    name          String,
    category      LowCardinality(String),
    policy_tag    LowCardinality(String) DEFAULT 'unreviewed'
)
ENGINE = MergeTree
ORDER BY (vendor, service);
