package io.agentwatch.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.schema.ExposureAlert;
import io.agentwatch.schema.FlowContribution;
import io.agentwatch.schema.SchemaTrust;
import io.agentwatch.stack.DataDirectory;
import io.agentwatch.stack.LocalPorts;
import io.agentwatch.testing.AgentWatchProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `agentwatch up` with a receiver in its YAML file, as its own process: alerts on the stack's
 * alerts topic reach the webhook, `/metrics` counts them per receiver, and after a restart of `up`
 * (a new process on the same data directory) only the new alert is sent.
 */
class UpDeliveryTest {

  static {
    SchemaTrust.ensure(); // the builder resolves the nested record classes, which Avro trusts only once told
  }

  @TempDir Path dir;

  private final List<Process> processes = new ArrayList<>();

  @Test
  void upDeliversTheStacksAlertsCountsThemAndAfterARestartSendsOnlyNewOnes() throws Exception {
    Path dataDir = dir.resolve("data");
    int kafkaPort = LocalPorts.free();
    try (WebhookServer http = WebhookServer.start()) {
      Path secret = Files.writeString(dir.resolve("secret"), "s3cret");
      Path config = Files.writeString(dir.resolve("agentwatch.yaml"), """
          delivery:
            receivers:
              soc:
                type: webhook
                url: %s
                secret-file: %s
            backoff-initial: 100ms
            backoff-max: 1s
          """.formatted(http.url("/soc"), secret));
      Process up = startUp(dataDir, kafkaPort, config, "up-1");
      assertTrue(log("up-1").contains("  delivery     soc"), log("up-1"));
      produce(kafkaPort, alert(0), alert(1));
      await(() -> http.accepted().size() >= 2, "the first two alerts");
      String api = new DataDirectory(dataDir).runningStack().orElseThrow().apiUrl();
      String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(api + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertTrue(metrics.contains("agentwatch_alerts_delivered_total{receiver=\"soc\"} 2"), metrics);
      assertTrue(metrics.contains("agentwatch_alerts_dead_lettered_total{receiver=\"soc\"} 0"), metrics);
      up.destroy();
      assertTrue(up.waitFor(60, TimeUnit.SECONDS), log("up-1"));

      startUp(dataDir, kafkaPort, config, "up-2");
      produce(kafkaPort, alert(2));
      await(() -> http.accepted().size() >= 3, "the third alert");
      Thread.sleep(2_000);
      assertEquals(List.of(alert(0).getAlertId() + "#0", alert(1).getAlertId() + "#0", alert(2).getAlertId() + "#0"),
          http.accepted().stream().map(r -> r.header("Idempotency-Key")).sorted().toList());
    } finally {
      processes.forEach(Process::destroyForcibly);
    }
  }

  private static ExposureAlert alert(int n) {
    Instant start = Instant.parse("2026-12-06T14:00:00Z").plusSeconds(60L * n);
    return ExposureAlert.newBuilder().setAlertId("upload-spike/build-" + n + "/OpenAI/api/" + start.toEpochMilli())
        .setDetector("upload-spike").setHost("build-" + n).setVendor("OpenAI").setService("api").setWindowStart(start)
        .setWindowEnd(start.plusSeconds(60)).setObserved(75_000_000).setBaseline(57_000).setScore(9)
        .setTopFlows(List.of(new FlowContribution("1:abc=", 75_000_000L))).setReason("build-" + n + " uploaded 75 MB to OpenAI")
        .build();
  }

  private static void produce(int kafkaPort, ExposureAlert... alerts) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + kafkaPort, ProducerConfig.ACKS_CONFIG, "all"),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      for (ExposureAlert alert : alerts) {
        producer.send(new ProducerRecord<>("alerts", alert.getHost().getBytes(StandardCharsets.UTF_8),
            ExposureAlert.getEncoder().encode(alert).array())).get();
      }
    }
  }

  private Process startUp(Path dataDir, int kafkaPort, Path config, String name) throws Exception {
    Process up = AgentWatchProcess.startUp(dir, name, 300, "--data-dir", dataDir.toString(), "--http", "127.0.0.1:" + LocalPorts.free(),
        "-c", config.toString(), "--set", "kafka.port=" + kafkaPort, "--set", "job.checkpoint-interval=1s");
    processes.add(up);
    return up;
  }

  private void await(java.util.function.BooleanSupplier condition, String what) throws Exception {
    for (int i = 0; i < 600 && !condition.getAsBoolean(); i++) {
      Thread.sleep(100);
    }
    assertTrue(condition.getAsBoolean(), what + " not delivered in 60 s:\n" + log("up-1") + log("up-2"));
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
