package io.agentwatch.store;

import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.HostVendorWindow;
import io.agentwatch.schema.SampleFlowRecords;
import io.agentwatch.schema.SchemaTrust;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Records as the sensor and the aggregation job produce them, for the store's tests: the flow
 * records are the schemas module's {@link SampleFlowRecords} (its test-jar, shared with the
 * application's tests), the windows are the store's own. Their times fall on {@link #DAY},
 * yesterday: the tables' TTLs drop older rows as soon as they are written.
 */
final class SampleRecords {

  static {
    // Records with nested record types are looked up by class: trust the schema package first.
    SchemaTrust.ensure();
  }

  static final LocalDate DAY = SampleFlowRecords.DAY;
  static final LocalDate NEXT_DAY = SampleFlowRecords.NEXT_DAY;

  private SampleRecords() {}

  /** {@code time} ("05:06:07.123456") on {@code day}, UTC. */
  static Instant at(LocalDate day, String time) {
    return SampleFlowRecords.at(day, time);
  }

  /** A TLS flow to Anthropic from an IPv4 host, identified by SNI, with microsecond times. */
  static FlowRecord anthropicOverIpv4(long sequence) {
    return SampleFlowRecords.anthropicOverIpv4(sequence);
  }

  /** A QUIC flow from an IPv6 host to an unidentified endpoint: every optional text is null. */
  static FlowRecord unknownOverIpv6(long sequence) {
    return SampleFlowRecords.unknownOverIpv6(sequence);
  }

  /** A record with every field of the schema set to a value of its own (see {@link SampleFlowRecords#everyFieldSet}). */
  static FlowRecord everyFieldSet(long sequence) {
    return SampleFlowRecords.everyFieldSet(sequence);
  }

  static HostVendorWindow window(String host, String vendor, String timeOnDay, long bytesUp, long maxUpload) {
    return window(host, vendor, timeOnDay, bytesUp, maxUpload, 2);
  }

  /** A window as the job emits it, with {@code flows} records (a late update has more). */
  static HostVendorWindow window(String host, String vendor, String timeOnDay, long bytesUp, long maxUpload,
      long flows) {
    Instant start = at(DAY, timeOnDay);
    return HostVendorWindow.newBuilder()
        .setHost(host)
        .setVendor(vendor)
        .setWindowStart(start)
        .setWindowEnd(start.plusSeconds(60))
        .setBytesUp(bytesUp)
        .setBytesDown(bytesUp / 10)
        .setPacketsUp(10)
        .setPacketsDown(5)
        .setFlows(flows)
        .setMaxUpload(maxUpload)
        .setService(vendor + "-api")
        .setDistinctDestinations(1)
        .build();
  }
}
