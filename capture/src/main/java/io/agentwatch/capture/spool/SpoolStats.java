package io.agentwatch.capture.spool;

/**
 * A snapshot of the spool's counters.
 *
 * @param appended records written to the spool since it opened
 * @param recovered records found on disk at open (left by a previous run)
 * @param acknowledged records the sender confirmed delivered
 * @param dropped records dropped unsent because the spool was full
 * @param pending records waiting: not yet acknowledged and not dropped (in flight included)
 * @param inFlight records handed to the sender and not yet acknowledged
 * @param bytes bytes of spool files on disk
 * @param oldestPendingMillis wall time the oldest pending record entered the spool; 0 when none
 * @param lastSequence the highest sequence number ever appended (also across restarts)
 */
public record SpoolStats(
    long appended,
    long recovered,
    long acknowledged,
    long dropped,
    long pending,
    long inFlight,
    long bytes,
    long oldestPendingMillis,
    long lastSequence) {}
