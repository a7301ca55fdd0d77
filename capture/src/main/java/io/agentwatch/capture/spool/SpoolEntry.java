package io.agentwatch.capture.spool;

/**
 * One record read from the spool, handed to a sender. {@link DiskSpool#acknowledge} with the same
 * entry once the broker has it; until then it counts as pending and survives a restart.
 *
 * @param sequence the sensor's sequence number of the record
 * @param appendedMillis wall time the record entered the spool
 * @param key the Kafka record key
 * @param value the encoded record
 */
public record SpoolEntry(long sequence, long appendedMillis, byte[] key, byte[] value, DiskSpool.Ticket ticket) {}
