package io.agentwatch.store;

/**
 * What a read-only query gave back: its output, as the engine formatted it, and the counters a
 * ClickHouse server reports in its {@code X-ClickHouse-Summary} header.
 */
public record ReadOnlyResult(byte[] body, long rowsRead, long bytesRead, double elapsedSeconds) {}
