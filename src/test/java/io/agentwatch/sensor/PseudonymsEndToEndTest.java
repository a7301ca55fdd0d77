package io.agentwatch.sensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.capture.service.SensorService;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.stack.OneMachineStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sensor that pseudonymises host addresses, on real captures, through Kafka and the job into the
 * store: every record becomes a row, and no host address (nor a host name made of one) is stored.
 */
class PseudonymsEndToEndTest {

  private static final Path CORPUS = Path.of(System.getProperty("agentwatch.corpus", "../testdata"));
  /** IPv4 TLS flows from several hosts, and IPv6 TLS and gQUIC flows: both address families. */
  private static final Map<String, Path> CAPTURES = Map.of(
      "sensor-v4", CORPUS.resolve("ipfixprobe/inputs/tls.pcap"),
      "sensor-v6", CORPUS.resolve("ndpi/pcap/http_ipv6.pcap"));

  @TempDir Path dir;

  @Test
  void pseudonymisingSensorsRecordsAreAllStoredWithoutAnyHostAddress() throws Exception {
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    Path key = Files.write(dir.resolve("pseudonym.key"), random); // bytes, as an operator makes one

    try (OneMachineStack stack = OneMachineStack.start(OneMachineStack.Config.embedded(dir.resolve("stack")))) {
      createTopic(stack.bootstrapServers(), "plain");
      Set<String> hostAddresses = new TreeSet<>();
      int pseudonymised = 0;
      for (Map.Entry<String, Path> capture : CAPTURES.entrySet()) {
        // The same capture without pseudonyms tells which addresses are the hosts'.
        run(capture.getKey(), capture.getValue(), stack.bootstrapServers(), "plain", null);
        run(capture.getKey(), capture.getValue(), stack.bootstrapServers(), stack.flowsTopic(), key);
      }
      for (FlowRecord plain : SensorRig.consumeAll(stack.bootstrapServers(), "plain")) {
        hostAddresses.add(plain.getSrcIp());
      }
      List<FlowRecord> sent = SensorRig.consumeAll(stack.bootstrapServers(), stack.flowsTopic());
      for (FlowRecord record : sent) {
        assertTrue(record.getSrcIp().startsWith("h-"), record.toString());
        pseudonymised++;
      }
      assertTrue(hostAddresses.stream().anyMatch(a -> a.contains(":")) && hostAddresses.stream().anyMatch(a -> !a.contains(":")),
          "both address families: " + hostAddresses);

      stack.aggregateAvailableFlows();

      String expectedKeys = sent.stream()
          .sorted(Comparator.comparing(FlowRecord::getSensorId).thenComparingLong(FlowRecord::getSequence))
          .map(r -> r.getSensorId() + "\t" + r.getSequence() + "\t" + r.getSrcIp() + "\n")
          .collect(Collectors.joining());
      assertEquals(expectedKeys, stack.store().query(
          "SELECT sensor_id, sequence, src_pseudonym FROM flows ORDER BY sensor_id, sequence FORMAT TabSeparated"),
          "every record a row, with its pseudonym");
      assertEquals(pseudonymised + "\t" + pseudonymised + "\n", stack.store().query(
          "SELECT countIf(src_ip = toIPv6('::')), countIf(host = src_pseudonym) FROM flows"),
          "the address column holds '::' and the host is named by its pseudonym");

      String addresses = hostAddresses.stream().map(a -> "toIPv6('" + a + "')").collect(Collectors.joining(", "));
      assertEquals("0\n", stack.store().query(
          "SELECT count() FROM flows WHERE src_ip IN (" + addresses + ") OR dst_ip IN (" + addresses + ")"));
      String everything = stack.store().query("SELECT * FROM flows FORMAT TabSeparated");
      for (String address : hostAddresses) {
        // As text anywhere (a host name, a text column), IPv4 also inside ::ffff:a.b.c.d.
        Pattern alone = address.contains(":")
            ? Pattern.compile("(?<![0-9A-Fa-f:])" + Pattern.quote(address) + "(?![0-9A-Fa-f:])", Pattern.CASE_INSENSITIVE)
            : Pattern.compile("(?<![0-9.])" + Pattern.quote(address) + "(?![0-9]|\\.[0-9])");
        assertFalse(alone.matcher(everything).find(), "host address " + address + " is stored:\n" + everything);
      }
    }
  }

  private void run(String sensorId, Path capture, String bootstrapServers, String topic, Path key) throws Exception {
    Map<String, Object> flags = new HashMap<>(Map.of(
        "sensor.id", sensorId, "capture.read", capture.toString(), "kafka.bootstrap-servers", bootstrapServers,
        "kafka.topic", topic, "hosts.mode", "network",
        "spool.directory", dir.resolve("spool-" + sensorId + "-" + topic).toString(), "metrics.listen", "off"));
    // Every flow as a record: these public captures hold no catalogued AI endpoint, and the test is
    // about what a record carries, not which records leave the sensor.
    flags.put("export.scope", "all");
    if (key != null) {
      flags.put("hosts.pseudonymize", "true");
      flags.put("hosts.pseudonym-key-file", key.toString());
    }
    try (SensorService service = SensorRig.service(flags)) {
      service.run();
    }
  }

  private static void createTopic(String bootstrapServers, String topic) throws Exception {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    try (Admin admin = Admin.create(props)) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    }
  }
}
