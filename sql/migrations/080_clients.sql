-- The client catalog (capture/src/main/resources/catalog/clients.yaml) as a table, one row per
-- catalogued TLS client fingerprint, so queries can say which program (an agent CLI, an SDK, a
-- browser, a tool) a flow's JA4 belongs to (host_clients.client, client_kind). Filled when the
-- stack starts (io.agentwatch.store.ClientRows.replace); the whole content is replaced each time.
--   clients      the catalogued clients seen with this JA4, ', '-separated in the catalog's order:
--                clients on one TLS stack share a JA4 (every Node.js program sends Node's), and
--                then all of them are named, because the fingerprint cannot tell them apart
--   client_kind  their kinds (agent-cli, sdk, browser, tool), distinct, ', '-separated
CREATE TABLE IF NOT EXISTS clients
(
    ja4          String,
    clients      String,
    client_kind  LowCardinality(String)
)
ENGINE = MergeTree
ORDER BY ja4;
