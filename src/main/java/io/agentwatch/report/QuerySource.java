package io.agentwatch.report;

import io.agentwatch.api.QueryResult;
import java.util.Map;

/**
 * Where a report's numbers come from: a named query of sql/queries/ run with parameters, on a
 * running stack's API or on a data directory's store (the command line chooses). Reports read
 * nothing else, so they show what `agentwatch query` shows.
 */
@FunctionalInterface
public interface QuerySource {

  QueryResult run(String query, Map<String, String> parameters);
}
