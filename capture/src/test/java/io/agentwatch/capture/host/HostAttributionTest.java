package io.agentwatch.capture.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.capture.Sensor;
import io.agentwatch.capture.SensorConfig;
import io.agentwatch.capture.decode.PacketDecoder;
import io.agentwatch.capture.export.InMemoryFlowSink;
import io.agentwatch.capture.synth.SyntheticPacket;
import io.agentwatch.capture.synth.SyntheticPcapWriter;
import io.agentwatch.capture.synth.TcpSession;
import io.agentwatch.capture.synth.TcpSessionBuilder;
import io.agentwatch.capture.testing.SensorRun;
import io.agentwatch.schema.FlowRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Records of a synthetic capture, through the whole sensor, name their hosts as configured. */
class HostAttributionTest {

  private static final Instant START = Instant.parse("2025-06-01T09:00:00Z");
  /** The source MAC of every synthetic frame, the server's included. */
  private static final String CLIENT_MAC = "02:00:00:00:00:01";

  @TempDir Path dir;

  private Path capture;

  @BeforeEach
  void writeCapture() throws IOException {
    capture = dir.resolve("office.pcap");
    try (SyntheticPcapWriter writer = SyntheticPcapWriter.create(capture)) {
      writer.writeInTimeOrder(List.of(
          session("10.1.2.3", 50123, "api.anthropic.com", 0),
          session("10.1.4.20", 50200, "api.openai.com", 1),
          session("10.9.9.9", 50300, "example.org", 2)));
    }
  }

  private static TcpSession session(String client, int port, String serverName, int order) {
    return TcpSessionBuilder.between(client, port, "160.79.104.10", 443)
        .startingAt(START.plusMillis(order)).serverName(serverName).upload(300).download(900).seed(order).build();
  }

  private HostInventory inventory(String... lines) throws IOException {
    Path file = dir.resolve("inventory.csv");
    Files.writeString(file, "address,host,owner,team\n" + String.join("\n", lines) + "\n");
    return HostInventory.load(file);
  }

  private SensorRun run(HostAttribution hosts) throws Exception {
    return SensorRun.of(capture, SensorConfig.defaults("office-span").withHosts(hosts));
  }

  private static FlowRecord record(SensorRun run, String srcIp, int srcPort) {
    return run.tcp(srcIp, srcPort, "160.79.104.10", 443).records().get(0);
  }

  @Test
  void networkModeNamesHostsFromTheInventoryAndUnknownHostsByAddress() throws Exception {
    SensorRun run = run(HostAttribution.network(inventory(
        "10.1.2.3,build-7,alice@example.com,platform",
        "10.1.4.0/24,vpn-pool,,it")));

    FlowRecord build = record(run, "10.1.2.3", 50123);
    assertEquals("build-7", build.getHost());
    assertEquals("alice@example.com", build.getHostOwner());
    assertEquals("platform", build.getHostTeam());
    assertEquals("anthropic", build.getVendor());

    FlowRecord vpn = record(run, "10.1.4.20", 50200);
    assertEquals("vpn-pool", vpn.getHost());
    assertNull(vpn.getHostOwner());
    assertEquals("it", vpn.getHostTeam());

    FlowRecord unknown = record(run, "10.9.9.9", 50300);
    assertEquals("10.9.9.9", unknown.getHost());
    assertNull(unknown.getHostOwner());
    assertNull(unknown.getHostTeam());
    assertNotNull(unknown.getCommunityId());
  }

  @Test
  void aMacEntryNamesTheHostBeforeItsAddressDoes() throws Exception {
    SensorRun run = run(HostAttribution.network(inventory(
        "10.1.2.3,build-7,,",
        CLIENT_MAC + ",docking-station-12,,facilities")));

    // Every synthetic frame comes from the same interface, so every flow is the docking station's.
    for (FlowRecord record : run.records) {
      assertEquals("docking-station-12", record.getHost(), record.getSrcIp());
      assertEquals("facilities", record.getHostTeam());
    }
  }

  @Test
  void aCaptureStartingAtTheSynAckStillFindsTheInitiatorsMac() throws Exception {
    HostAttribution hosts = HostAttribution.network(inventory("02:00:00:00:00:77,laptop-bob,bob@example.com,"));
    InMemoryFlowSink sink = new InMemoryFlowSink();
    Sensor sensor = new Sensor(SensorConfig.defaults("office-span").withHosts(hosts), sink);
    TcpSession session = session("10.1.2.3", 50123, "api.anthropic.com", 0);
    List<SyntheticPacket> afterTheSyn = session.packets().subList(1, session.packets().size());
    for (SyntheticPacket packet : afterTheSyn) {
      byte[] frame = packet.frame().clone();
      // The synthetic frames all come from the client's MAC; give the server's their own.
      boolean fromServer = (frame[26] & 0xff) == 160; // first byte of the IPv4 source
      setMac(frame, fromServer ? 0 : 6, 0x02_00_00_00_00_77L);
      setMac(frame, fromServer ? 6 : 0, 0x02_00_00_00_00_feL);
      long nanos = packet.time().getEpochSecond() * 1_000_000_000L + packet.time().getNano();
      sensor.onPacket(nanos, PacketDecoder.DLT_EN10MB, frame, 0, frame.length);
    }
    sensor.finish();

    FlowRecord record = sink.records().get(0);
    assertEquals("10.1.2.3", record.getSrcIp(), "the SYN-ACK's receiver is the initiator");
    assertEquals("laptop-bob", record.getHost());
  }

  private static void setMac(byte[] frame, int at, long mac) {
    for (int i = 0; i < 6; i++) {
      frame[at + i] = (byte) (mac >>> (40 - 8 * i));
    }
  }

  @Test
  void pseudonymsReplaceAddressesButNotNamesAndTheCommunityIdIsWithdrawn() throws Exception {
    Pseudonymizer pseudonymizer = new Pseudonymizer(PseudonymizerTest.KEY);
    SensorRun run = run(HostAttribution.pseudonymized(
        HostAttribution.network(inventory("10.1.2.3,build-7,alice@example.com,platform")), pseudonymizer));

    String buildPseudonym = pseudonymizer.pseudonym("10.1.2.3");
    FlowRecord build = record(run, buildPseudonym, 50123);
    assertEquals("build-7", build.getHost());
    assertEquals("alice@example.com", build.getHostOwner());
    assertEquals("160.79.104.10", build.getDstIp(), "the endpoint is not the host");

    String unknownPseudonym = pseudonymizer.pseudonym("10.9.9.9");
    assertTrue(unknownPseudonym.matches("h-[0-9a-f]{16}"), unknownPseudonym);
    FlowRecord unknown = record(run, unknownPseudonym, 50300);
    assertEquals(unknownPseudonym, unknown.getHost());

    for (FlowRecord record : run.records) {
      assertNull(record.getCommunityId());
      assertTrue(record.getSrcIp().startsWith("h-"), record.getSrcIp());
    }
  }

  @Test
  void endpointModeNamesEveryFlowAfterTheMachine() throws Exception {
    SensorRun run = run(HostAttribution.endpoint("dev-laptop-7"));

    assertEquals(3, run.records.size());
    for (FlowRecord record : run.records) {
      assertEquals("dev-laptop-7", record.getHost());
      assertNull(record.getHostTeam());
    }
    assertEquals("10.9.9.9", record(run, "10.9.9.9", 50300).getSrcIp());
  }

  @Test
  void endpointModeNamesTheMachineItselfOrSaysToConfigureTheName() {
    try {
      HostAttribution hosts = HostAttribution.endpoint();
      assertTrue(hosts instanceof EndpointHost endpoint && !endpoint.machineName().isBlank(), hosts.toString());
    } catch (IllegalStateException e) {
      assertTrue(e.getMessage().endsWith("configure the host name explicitly"), e.getMessage());
    }
  }

  @Test
  void withoutConfigurationTheHostIsTheInitiatorsAddress() throws Exception {
    SensorRun run = SensorRun.of(capture);

    FlowRecord record = record(run, "10.1.2.3", 50123);
    assertEquals("10.1.2.3", record.getHost());
    assertNull(record.getHostOwner());
    assertNotNull(record.getCommunityId());
  }
}
