package io.agentwatch.sensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentwatch.stack.DataDirectory;
import io.agentwatch.stack.LocalPorts;
import io.agentwatch.testing.AgentWatchProcess;
import io.agentwatch.testing.TestCertificates;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sensor on another host, as far as the stack can tell: an `agentwatch sensor` process that
 * reaches the running `up` only through its SCRAM-over-TLS listener (kafka.sensors-listen with
 * kafka.sensors-tls-keystore), with a user of kafka.sensors-users-file, checking the listener's
 * certificate against the CA. Its records are stored; `up` is stopped and started again, the same
 * sensor sends a second capture, and the store holds both runs' records once each: the broker's
 * log and the job's offsets survived the restart.
 */
class UpRemoteSensorTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private final List<Process> processes = new ArrayList<>();
  private TestCertificates certificates;

  @Test
  void aRemoteSensorDeliversWithScramAndTheBrokersDataSurvivesARestart() throws Exception {
    Path dataDir = dir.resolve("data");
    int sensorPort = LocalPorts.free();
    int kafkaPort = LocalPorts.free();
    Path users = dir.resolve("sensors.users");
    Files.writeString(users, "# the fleet's sensors\nlaptop-sensor:s3cret-of-the-laptop\n");
    Path password = dir.resolve("password");
    Files.writeString(password, "s3cret-of-the-laptop");
    certificates = TestCertificates.create(dir.resolve("tls"));
    Files.writeString(dir.resolve("server-key-password"), certificates.serverKeyPassword());
    try {
      Process up = startUp(dataDir, sensorPort, kafkaPort, "up-1");
      assertTrue(log("up-1").contains("sensors      127.0.0.1:" + sensorPort + "   (SCRAM over SASL_SSL"), log("up-1"));
      Path first = SensorRig.knownCapture(dir, 30, 12, false);
      Path wrong = dir.resolve("wrong-password");
      Files.writeString(wrong, "guessed");
      // A wrong password is fatal, named and fast: no retrying, whether the probe at start or the
      // sender is the first to hear the broker's refusal.
      Process refused = sensorProcess(first, sensorPort, wrong, "sensor-refused");
      assertTrue(refused.waitFor(60, TimeUnit.SECONDS), "a refused sensor kept running:\n" + log("sensor-refused"));
      assertEquals(2, refused.exitValue(), log("sensor-refused"));
      assertTrue(log("sensor-refused").contains("Kafka at 127.0.0.1:" + sensorPort + " rejected the sensor's credentials"
          + " (user 'laptop-sensor', SCRAM-SHA-512 over SASL_SSL)"), "the refusal names user and listener:\n"
          + log("sensor-refused"));
      assertFalse(log("sensor-refused").contains("retrying in"), "a refused login is not retried:\n" + log("sensor-refused"));
      sensor(first, sensorPort, password, "sensor-1");
      // The remote sensor read the catalog `up` published, through the same SCRAM-over-TLS listener.
      assertTrue(log("up-1").contains("  catalog      version "), log("up-1"));
      assertTrue(log("sensor-1").matches("(?s).*endpoint catalog: version [0-9a-f]{16} on topic 'catalog' \\(published by agentwatch up.*"),
          log("sensor-1"));
      long afterFirst = awaitStoredRecords(dataDir, 0);

      up.destroy();
      assertTrue(up.waitFor(30, TimeUnit.SECONDS), log("up-1"));
      assertEquals(0, up.exitValue(), log("up-1"));

      startUp(dataDir, sensorPort, kafkaPort, "up-2");
      assertEquals(afterFirst, storedRecords(dataDir).path("rows").asLong(), "the store after the restart");
      Path second = SensorRig.knownCapture(dir, 20, 7, false);
      sensor(second, sensorPort, password, "sensor-2");
      awaitStoredRecords(dataDir, afterFirst);
      JsonNode records = storedRecords(dataDir);
      assertEquals(records.path("last_sequence").asLong(), records.path("rows").asLong(),
          "the sensor's records 1..N of both runs, each stored once: " + records);
      assertEquals(records.path("rows").asLong(), records.path("sequences").asLong(), records.toString());

      // What Prometheus and a load balancer see of the running stack.
      String api = new DataDirectory(dataDir).runningStack().orElseThrow().apiUrl();
      HttpClient http = HttpClient.newHttpClient();
      String metrics = "";
      for (int i = 0; i < 30 && !metrics.contains("agentwatch_job_consumer_lag_records 0"); i++) {
        Thread.sleep(1_000); // the job commits its offsets with each checkpoint
        metrics = http.send(HttpRequest.newBuilder(URI.create(api + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
      }
      assertTrue(metrics.contains("agentwatch_store_rows{table=\"flows\"} " + records.path("rows").asLong()), metrics);
      assertTrue(metrics.contains("agentwatch_job_consumer_lag_records 0"), "the job has read everything: " + metrics);
      assertTrue(metrics.contains("agentwatch_job_last_checkpoint_age_seconds "), metrics);
      JsonNode health = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(api + "/api/health")).build(),
          HttpResponse.BodyHandlers.ofString()).body());
      assertEquals("ok", health.path("status").asText(), health.toString());
    } finally {
      processes.forEach(Process::destroyForcibly);
    }
  }

  private Process startUp(Path dataDir, int sensorPort, int kafkaPort, String name) throws Exception {
    Process up = AgentWatchProcess.startUp(dir, name, 120, "--data-dir", dataDir.toString(), "--http", "127.0.0.1:" + LocalPorts.free(),
        "--set", "kafka.port=" + kafkaPort, "--set", "kafka.sensors-listen=127.0.0.1:" + sensorPort,
        "--set", "kafka.sensors-users-file=" + dir.resolve("sensors.users"),
        "--set", "kafka.sensors-tls-keystore=" + certificates.serverKeystore(),
        "--set", "kafka.sensors-tls-key-password-file=" + dir.resolve("server-key-password"),
        "--set", "job.window=10s", "--set", "job.idleness=5s", "--set", "job.checkpoint-interval=1s",
        "--set", "store.http-listen=127.0.0.1:0");
    processes.add(up);
    return up;
  }

  /** `agentwatch sensor` replaying a capture into the stack's SCRAM listener, as a process of its own. */
  private void sensor(Path capture, int sensorPort, Path password, String name) throws Exception {
    Process sensor = sensorProcess(capture, sensorPort, password, name);
    assertTrue(sensor.waitFor(120, TimeUnit.SECONDS), "the sensor did not finish:\n" + log(name));
    assertEquals(0, sensor.exitValue(), log(name));
  }

  private Process sensorProcess(Path capture, int sensorPort, Path password, String name) throws Exception {
    return java(name, "sensor", "--read", capture.toString(), "--bootstrap-servers", "127.0.0.1:" + sensorPort,
        "--sensor-id", "laptop", "--spool-dir", dir.resolve("spool").toString(), "--metrics-listen", "off",
        "--set", "export.scope=all", "--set", "kafka.security-protocol=SASL_SSL",
        "--set", "kafka.ssl-truststore=" + certificates.caCertificate(),
        "--set", "kafka.sasl-mechanism=SCRAM-SHA-512", "--set", "kafka.sasl-username=laptop-sensor",
        "--set", "kafka.sasl-password-file=" + password);
  }

  private long awaitStoredRecords(Path dataDir, long moreThan) throws Exception {
    long rows = 0;
    for (int i = 0; i < 120 && rows <= moreThan; i++) {
      Thread.sleep(1_000);
      JsonNode records = storedRecords(dataDir);
      rows = records == null ? 0 : records.path("rows").asLong();
    }
    assertTrue(rows > moreThan, "no new records stored within 120 s (had " + moreThan + ")");
    Thread.sleep(3_000); // the rest of the run's records: one more checkpoint
    return storedRecords(dataDir).path("rows").asLong();
  }

  /** The stack's `stored_records` row of the remote sensor, asked through `agentwatch query`. */
  private static JsonNode storedRecords(Path dataDir) throws Exception {
    for (JsonNode row : JSON.readTree(AgentWatchProcess.query(dataDir, "stored_records"))) {
      if (row.path("sensor_id").asText().equals("laptop")) {
        return row;
      }
    }
    return null;
  }

  private Process java(String name, String... arguments) throws IOException {
    Process process = AgentWatchProcess.start(dir, name, arguments);
    processes.add(process);
    return process;
  }

  private String log(String name) throws IOException {
    return AgentWatchProcess.output(dir, name);
  }
}
