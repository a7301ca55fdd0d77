-- The resource name an endpoint's host name carries (FlowRecord.resource, appended with a
-- default): the cloud region, account, tenant or resource a catalog wildcard matched, e.g.
-- us-east-1 in bedrock-runtime.us-east-1.amazonaws.com or contoso in contoso.openai.azure.com;
-- '' where the service keeps none. io.agentwatch.schema.FlowColumns declares the column,
-- io.agentwatch.store.FlowRows writes it. Few distinct values per fleet, hence LowCardinality.
ALTER TABLE flows ADD COLUMN IF NOT EXISTS resource LowCardinality(String) DEFAULT '';
