package io.agentwatch.schema;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;

/**
 * Flow records as the sensor produces them, for the tests of every module: this module's test-jar
 * (type test-jar, scope test) shares them with the store's and the application's tests. Their
 * times fall on {@link #DAY}, yesterday: the store's TTLs drop older rows as soon as they are
 * written. A test that needs another host or size changes a copy:
 * {@code FlowRecord.newBuilder(anthropicOverIpv4(1)).setHost("ci-2").build()}.
 */
public final class SampleFlowRecords {

  static {
    // Records with nested record types are looked up by class: trust the schema package first.
    SchemaTrust.ensure();
  }

  public static final LocalDate DAY = LocalDate.now(ZoneOffset.UTC).minusDays(1);
  public static final LocalDate NEXT_DAY = DAY.plusDays(1);

  /** {@code time} ("05:06:07.123456") on {@code day}, UTC. */
  public static Instant at(LocalDate day, String time) {
    return Instant.parse(day + "T" + time + "Z");
  }

  private SampleFlowRecords() {}

  /** A TLS flow to Anthropic from an IPv4 host, identified by SNI, with microsecond times. */
  public static FlowRecord anthropicOverIpv4(long sequence) {
    return FlowRecord.newBuilder()
        .setSensorId("sensor-1")
        .setSequence(sequence)
        .setHost("dev-laptop-7")
        .setHostOwner("alice")
        .setHostTeam("payments")
        .setSrcIp("10.1.2.3")
        .setSrcPort(51234)
        .setDstIp("160.79.104.10")
        .setDstPort(443)
        .setTransport(Transport.TCP)
        .setFirstSeen(at(DAY, "05:06:07.123456"))
        .setLastSeen(at(DAY, "05:07:08.654321"))
        .setPacketsUp(120)
        .setPacketsDown(340)
        .setBytesUp(1_500_000)
        .setBytesDown(42_000)
        .setSni("api.anthropic.com")
        .setAlpn("h2,http/1.1")
        .setJa4("t13d1516h2_8daaf6152771_02713d6af862")
        .setDnsName("api.anthropic.com")
        .setVendor("anthropic")
        .setService("anthropic-api")
        .setCategory("llm-api")
        .setIdentifiedBy(Evidence.SNI)
        .setEndReason(EndReason.FIN)
        .build();
  }

  /** A QUIC flow from an IPv6 host to an unidentified endpoint: every optional text is null. */
  public static FlowRecord unknownOverIpv6(long sequence) {
    return FlowRecord.newBuilder()
        .setSensorId("sensor-1")
        .setSequence(sequence)
        .setHost("build-server")
        .setSrcIp("2001:db8::1")
        .setSrcPort(40000)
        .setDstIp("2606:4700:10::6816:1b2c")
        .setDstPort(443)
        .setTransport(Transport.UDP)
        .setFirstSeen(at(DAY, "23:59:59.999999"))
        .setLastSeen(at(NEXT_DAY, "00:00:00.000001"))
        .setPacketsUp(1)
        .setPacketsDown(0)
        .setBytesUp(1350)
        .setBytesDown(0)
        .setSni(null)
        .setAlpn(null)
        .setJa4(null)
        .setDnsName(null)
        .setVendor(null)
        .setService(null)
        .setCategory(null)
        .setIdentifiedBy(Evidence.NONE)
        .setEndReason(EndReason.END_OF_CAPTURE)
        .build();
  }

  /**
   * A record with every field of the schema set to a value of its own, derived from the schema and
   * {@link FlowColumns}: a field added to both is covered by the tests that use this sample without
   * editing it. Addresses are from the documentation ranges, times on {@link #DAY}.
   */
  public static FlowRecord everyFieldSet(long sequence) {
    FlowRecord record = new FlowRecord();
    List<Schema.Field> fields = FlowRecord.getClassSchema().getFields();
    for (Schema.Field field : fields) {
      record.put(field.pos(), sampleValue(field, sequence));
    }
    return record;
  }

  private static Object sampleValue(Schema.Field field, long sequence) {
    Schema type = field.schema();
    if (type.isUnion()) {
      type = type.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).findFirst().orElseThrow();
    }
    int n = field.pos() + 1;
    boolean address = FlowColumns.named(field.name()).value() instanceof FlowColumns.Address;
    return switch (type.getType()) {
      case STRING -> address ? (n % 2 == 0 ? "2001:db8::" + n : "192.0.2." + n) : field.name() + "-" + sequence;
      case LONG -> type.getLogicalType() instanceof LogicalTypes.TimestampMicros
          ? at(DAY, "10:00:00").plusSeconds(n).plusNanos(n * 1_001_000L)
          : field.name().equals("sequence") ? sequence : 1_000_000_000_000L + n;
      case INT -> 1000 + n;
      case BOOLEAN -> true;
      case ENUM -> SpecificData.get().createEnum(type.getEnumSymbols().get(type.getEnumSymbols().size() - 1), type);
      default -> throw new IllegalStateException("no sample value for field '" + field.name() + "' of type " + type);
    };
  }
}
