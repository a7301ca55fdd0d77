package io.agentwatch.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.chhttp.ClickHouseHttpConfig;
import io.agentwatch.chhttp.ClickHouseHttpServer;
import io.agentwatch.config.ConfigException;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.stack.KafkaBroker;
import io.agentwatch.stack.OneMachineStack;
import io.agentwatch.stack.RunningJob;
import io.agentwatch.store.EmbeddedChdbStore;
import io.agentwatch.store.StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `up --kafka --clickhouse`: the stack on an existing Kafka cluster that requires SCRAM and on a
 * ClickHouse server, instead of its own broker and engine. The cluster is a real broker outside
 * the stack, reached only through its SASL listener with the sensor's security settings; the
 * server is the ClickHouse engine (chDB) behind an HTTP interface with a writer user, outside the
 * stack too. The stack creates its topics and tables there, and the job consumes the flow records
 * sent to the cluster and writes them to the server.
 */
class ExistingKafkaStackTest {

  private static final int RECORDS = 600;

  @TempDir Path dir;

  @Test
  void theStackCreatesItsTopicsAndTablesThereAndTheJobStoresWhatSensorsSendToTheCluster() throws Exception {
    String password = "pw-" + java.util.UUID.randomUUID();
    Path passwordFile = Files.writeString(dir.resolve("kafka-password"), password);
    Path writerPasswordFile = Files.writeString(dir.resolve("clickhouse-password"), "ch-" + password);
    try (KafkaBroker cluster = new KafkaBroker(dir.resolve("cluster"), 0).withScramUser("agentwatch", password).start();
        EmbeddedChdbStore engine = EmbeddedChdbStore.open(dir.resolve("server"));
        ClickHouseHttpServer server = ClickHouseHttpServer.start(ClickHouseHttpConfig.loopback(0)
            .withWriter("agentwatch", "ch-" + password), engine)) {
      Map<String, String> given = scram(cluster, passwordFile);
      given.put(StoreConfig.KIND, "remote");
      given.put(StoreConfig.REMOTE_URL, server.url());
      given.put(StoreConfig.REMOTE_USER, "agentwatch");
      given.put(StoreConfig.REMOTE_PASSWORD_FILE, writerPasswordFile.toString());
      OneMachineStack.Config config = OneMachineStack.Config.load(dir.resolve("kafka"), dir.resolve("clickhouse"), false,
          given, null, Map.of());
      assertTrue(config.externalKafka());

      try (OneMachineStack stack = OneMachineStack.start(config);
          RunningJob job = stack.startJob(dir.resolve("checkpoints"), dir.resolve("savepoints"))) {
        assertEquals(cluster.saslBootstrapServers(), stack.bootstrapServers());
        assertTrue(cluster.topics().containsAll(java.util.List.of("flows", "alerts", "host-traffic")), cluster.topics().toString());
        assertTrue(Files.notExists(dir.resolve("kafka")), "no embedded broker data");
        assertTrue(Files.notExists(dir.resolve("clickhouse")), "no embedded store");
        assertTrue(stack.store().describe().startsWith("ClickHouse at " + server.url()), stack.store().describe());

        KnownStream stream = new KnownStream(RECORDS, 5, Instant.now().minusSeconds(60), 1, 7);
        KnownStream.produce(cluster.bootstrapServers(), "flows", stream.records, false);

        Map<String, Long> sent = new TreeMap<>();
        for (FlowRecord flow : stream.records) {
          sent.merge(flow.getHost(), flow.getBytesUp(), Long::sum);
        }
        StringBuilder expected = new StringBuilder();
        sent.forEach((host, bytes) -> expected.append(host).append('\t').append(bytes).append('\n'));
        String stored = "";
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline && !stored.equals(expected.toString())) {
          Thread.sleep(500);
          stored = stack.store().query("SELECT host, sum(bytes_up) FROM flows GROUP BY host ORDER BY host");
        }
        assertEquals(expected.toString(), stored, "every record sent to the existing cluster stored once");
        assertEquals(expected.toString(), engine.query("SELECT host, sum(bytes_up) FROM flows GROUP BY host ORDER BY host"),
            "in the server's own tables");
      }
    }
  }

  @Test
  void aClusterThatRefusesTheCredentialsIsNamedAtStart() throws Exception {
    Path passwordFile = Files.writeString(dir.resolve("wrong-password"), "not-the-password");
    try (KafkaBroker cluster = new KafkaBroker(dir.resolve("cluster"), 0).withScramUser("agentwatch", "secret-pw").start()) {
      OneMachineStack.Config config = OneMachineStack.Config.load(dir.resolve("kafka"), dir.resolve("clickhouse"), false,
          scram(cluster, passwordFile), null, Map.of());
      IllegalStateException refused = assertThrows(IllegalStateException.class, () -> OneMachineStack.start(config).close());
      assertTrue(refused.getMessage().startsWith("kafka.bootstrap-servers " + cluster.saslBootstrapServers()
          + ": the Kafka cluster does not answer"), refused.getMessage());
      assertTrue(refused.getMessage().contains("Authentication failed"), refused.getMessage());
    }
  }

  @Test
  void securitySettingsWithoutAnExistingClusterAndAReplayOnOneAreRefusedByName() {
    ConfigException security = assertThrows(ConfigException.class, () -> OneMachineStack.Config.load(dir.resolve("kafka"),
        dir.resolve("clickhouse"), false, Map.of("kafka.security-protocol", "SASL_SSL"), null, Map.of()));
    assertTrue(security.getMessage().contains("kafka.security-protocol: applies to an existing Kafka cluster"),
        security.getMessage());
    ConfigException replay = assertThrows(ConfigException.class, () -> OneMachineStack.Config.load(dir.resolve("kafka"),
        dir.resolve("clickhouse"), true, Map.of("kafka.bootstrap-servers", "kafka-1:9092"), null, Map.of()));
    assertTrue(replay.getMessage().contains("kafka.bootstrap-servers: a replay runs its own broker"), replay.getMessage());
  }

  private static Map<String, String> scram(KafkaBroker cluster, Path passwordFile) {
    Map<String, String> given = new LinkedHashMap<>();
    given.put("kafka.bootstrap-servers", cluster.saslBootstrapServers());
    given.put("kafka.security-protocol", "SASL_PLAINTEXT");
    given.put("kafka.sasl-mechanism", "SCRAM-SHA-512");
    given.put("kafka.sasl-username", "agentwatch");
    given.put("kafka.sasl-password-file", passwordFile.toString());
    given.put("job.checkpoint-interval", "1s");
    given.put("store.http-listen", "off");
    return given;
  }
}
