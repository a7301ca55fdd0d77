package io.agentwatch.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.config.ConfigException;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.stack.KafkaBroker;
import io.agentwatch.stack.OneMachineStack;
import io.agentwatch.stack.RunningJob;
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
 * `up --kafka`: the stack on an existing Kafka cluster that requires SCRAM, instead of its own
 * broker. The cluster here is a real broker outside the stack, reached only through its SASL
 * listener with the sensor's security settings: the stack creates its topics there, and the job
 * consumes the flow records sent to it and writes them to the store.
 */
class ExistingKafkaStackTest {

  private static final int RECORDS = 600;

  @TempDir Path dir;

  @Test
  void theStackCreatesItsTopicsOnTheClusterAndTheJobStoresWhatSensorsSendThere() throws Exception {
    String password = "pw-" + java.util.UUID.randomUUID();
    Path passwordFile = Files.writeString(dir.resolve("kafka-password"), password);
    try (KafkaBroker cluster = new KafkaBroker(dir.resolve("cluster"), 0).withScramUser("agentwatch", password).start()) {
      Map<String, String> given = scram(cluster, passwordFile);
      OneMachineStack.Config config = OneMachineStack.Config.load(dir.resolve("kafka"), dir.resolve("clickhouse"), false,
          given, null, Map.of());
      assertTrue(config.externalKafka());

      try (OneMachineStack stack = OneMachineStack.start(config);
          RunningJob job = stack.startJob(dir.resolve("checkpoints"), dir.resolve("savepoints"))) {
        assertEquals(cluster.saslBootstrapServers(), stack.bootstrapServers());
        assertTrue(cluster.topics().containsAll(java.util.List.of("flows", "alerts", "host-traffic")), cluster.topics().toString());
        assertTrue(Files.notExists(dir.resolve("kafka")), "no embedded broker data");

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
