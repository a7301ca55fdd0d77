package io.agentwatch.store;

/**
 * What a client's statement run on a connection of its own gave back: its output, as the engine
 * formatted it, and the counters a ClickHouse server reports in its {@code X-ClickHouse-Summary} header.
 */
public record StatementResult(byte[] body, long rowsRead, long bytesRead, double elapsedSeconds) {}
