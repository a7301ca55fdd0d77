package io.agentwatch.sensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.capture.service.SensorService;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.stack.KafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Network mode as an operator configures it: an inventory names some hosts, pseudonyms hide the rest. */
class SensorHostsTest {

  @TempDir Path dir;

  @Test
  void inventoryNamesHostsAndPseudonymsReplaceTheAddressesOfTheOthers() throws Exception {
    Path capture = SensorRig.knownCapture(dir, 1, 10); // 100 sessions from 10.1.0.10 .. 10.1.0.29
    Path inventory = Files.writeString(dir.resolve("inventory.csv"), """
        address,host,owner,team
        # the build farm
        10.1.0.10,build-01,ci-bot,platform
        10.1.0.12/31,dev-pair,alice,payments
        """);
    Path key = Files.writeString(dir.resolve("pseudonym.key"), "0123456789abcdef-test-key\n");
    try (KafkaBroker broker = new KafkaBroker(dir.resolve("kafka"), 0).start()) {
      broker.createTopic("flows", 2);
      try (SensorService service = SensorRig.service(Map.of(
          "capture.read", capture.toString(), "kafka.bootstrap-servers", broker.bootstrapServers(),
          "hosts.mode", "network", "hosts.inventory", inventory.toString(),
          "hosts.pseudonymize", "true", "hosts.pseudonym-key-file", key.toString(),
          "spool.directory", dir.resolve("spool").toString(), "metrics.listen", "off"))) {
        service.run();
      }
      List<FlowRecord> records = SensorRig.consumeAll(broker.bootstrapServers(), "flows");
      assertEquals(100, records.size());
      Map<String, Long> byHost = records.stream().collect(Collectors.groupingBy(FlowRecord::getHost, Collectors.counting()));
      assertEquals(5L, byHost.get("build-01"), byHost.toString());
      assertEquals(10L, byHost.get("dev-pair"), byHost.toString()); // .12 and .13
      FlowRecord named = records.stream().filter(r -> r.getHost().equals("dev-pair")).findFirst().orElseThrow();
      assertEquals("alice", named.getHostOwner());
      assertEquals("payments", named.getHostTeam());
      for (FlowRecord record : records) {
        assertTrue(record.getSrcIp().startsWith("h-"), "address not pseudonymised: " + record.getSrcIp());
        assertNull(record.getCommunityId(), "community_id would reveal the address");
        assertTrue(!record.getHost().startsWith("10."), "host keeps an address: " + record.getHost());
      }
      assertEquals(17 + 2, byHost.size(), "17 unknown hosts with a pseudonym each, plus two names: " + byHost);
    }
  }
}
