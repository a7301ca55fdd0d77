package io.agentwatch.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentwatch.config.Settings;
import io.agentwatch.delivery.DeliveryMetrics.Counts;
import io.agentwatch.schema.ExposureAlert;
import io.agentwatch.schema.FlowContribution;
import io.agentwatch.schema.SchemaTrust;
import io.agentwatch.cli.AgentWatch;
import io.agentwatch.stack.KafkaBroker;
import io.agentwatch.testing.AgentWatchProcess;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delivery from a real Kafka broker's alerts topic to real receivers on loopback: an HTTP server
 * taking webhooks, Slack, Teams and Splunk HEC requests, and syslog listeners on UDP, TCP and TLS.
 * What a user checks: each alert arrives once per receiver, signed; an outage loses and duplicates
 * nothing; an alert a receiver keeps refusing ends in the dead-letter file and the next go on; a
 * restarted delivery does not resend.
 */
class AlertDeliveryTest {

  static {
    SchemaTrust.ensure(); // the builder resolves the nested record classes, which Avro trusts only once told
  }

  private static final String SECRET = "test-webhook-secret";
  private static final String HEC_TOKEN = "11111111-2222-3333-4444-555555555555";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path shared;
  @TempDir Path dir;
  private static KafkaBroker broker;
  private static int topics;

  @BeforeAll
  static void startBroker() {
    broker = new KafkaBroker(shared.resolve("kafka"), 0).start();
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @Test
  void everyAlertArrivesOncePerReceiverSignedAndInItsFormat() throws Exception {
    SyslogListener.SelfSigned certificate = SyslogListener.SelfSigned.create(dir.resolve("tls"));
    Path secretFile = Files.writeString(dir.resolve("webhook.secret"), SECRET + "\n");
    Path tokenFile = Files.writeString(dir.resolve("hec.token"), HEC_TOKEN);
    String topic = newTopic();
    try (WebhookServer http = WebhookServer.start();
        SyslogListener udp = SyslogListener.start(SyslogListener.Transport.UDP, null);
        SyslogListener tcp = SyslogListener.start(SyslogListener.Transport.TCP, null);
        SyslogListener tls = SyslogListener.start(SyslogListener.Transport.TLS, certificate)) {
      Map<String, String> receivers = new LinkedHashMap<>();
      receiver(receivers, "soc", "type", "webhook", "url", http.url("/soc"), "secret-file", secretFile.toString());
      receiver(receivers, "findings", "type", "webhook", "url", http.url("/ocsf"), "format", "ocsf");
      receiver(receivers, "chat", "type", "slack", "url", http.url("/slack"));
      receiver(receivers, "channel", "type", "teams", "url", http.url("/teams"), "card", "adaptive");
      receiver(receivers, "splunk", "type", "splunk-hec", "url", http.url(""), "token-file", tokenFile.toString());
      receiver(receivers, "siem-udp", "type", "syslog", "address", udp.address(), "transport", "udp");
      receiver(receivers, "siem-tcp", "type", "syslog", "address", tcp.address(), "transport", "tcp", "format", "cef");
      receiver(receivers, "siem-tls", "type", "syslog", "address", tls.address(), "transport", "tls",
          "trust-file", certificate.certificatePem().toString());
      receiver(receivers, "urgent", "type", "webhook", "url", http.url("/urgent"), "min-severity", "high");
      DeliveryConfig config = config(receivers, 5, "50ms", "500ms");

      List<ExposureAlert> alerts = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        alerts.add(alert(i, i % 4 == 0 ? 12 : 2)); // every fourth one critical by score, the others low
      }
      produce(topic, alerts);
      produce(topic, alerts.subList(0, 5)); // the job may write an alert again (a replay): still once per receiver
      try (AlertDelivery delivery = start(config, topic, dir.resolve("state"))) {
        Supplier<Boolean> done = () -> http.accepted().size() >= 20 * 5 + 5 && udp.messages().size() >= 20
            && tcp.messages().size() >= 20 && tls.messages().size() >= 20;
        await(done, Duration.ofSeconds(60), () -> "arrived: http " + http.accepted().size() + ", udp " + udp.messages().size()
            + ", tcp " + tcp.messages().size() + ", tls " + tls.messages().size());
        Thread.sleep(1_500); // time for a copy that should not come
        Map<String, Counts> counts = delivery.metrics().perReceiver();
        assertEquals(20, counts.get("soc").delivered());
        assertEquals(5, counts.get("soc").duplicatesSkipped());
        assertEquals(5, counts.get("urgent").delivered());
      }

      Set<String> ids = alerts.stream().map(ExposureAlert::getAlertId).collect(Collectors.toCollection(TreeSet::new));
      for (String path : List.of("/soc", "/ocsf", "/slack", "/teams", "/services/collector/event")) {
        List<WebhookServer.Request> requests = http.accepted().stream().filter(r -> r.path().equals(path)).toList();
        assertEquals(20, requests.size(), path + " requests");
        assertEquals(ids, requests.stream().map(r -> r.header("Idempotency-Key").replaceAll("#\\d+$", ""))
            .collect(Collectors.toCollection(TreeSet::new)), path + ": each alert once");
      }
      for (WebhookServer.Request request : http.accepted().stream().filter(r -> r.path().equals("/soc")).toList()) {
        assertEquals("sha256=" + hmac(SECRET, request.body()), request.header("X-AgentWatch-Signature"), "signature");
        JsonNode body = JSON.readTree(request.body());
        assertTrue(body.get("reason").asText().startsWith("host-"), request.text());
        assertTrue(body.get("window_start").asText().endsWith("Z"), "ISO-8601 UTC: " + request.text());
      }
      assertEquals(5, http.accepted().stream().filter(r -> r.path().equals("/urgent")).count(), "only the critical ones");
      for (WebhookServer.Request request : http.accepted().stream().filter(r -> r.path().equals("/ocsf")).toList()) {
        JsonNode finding = JSON.readTree(request.body());
        assertEquals(2004, finding.get("class_uid").asInt());
        assertEquals(200401, finding.get("type_uid").asInt());
        assertTrue(finding.at("/finding_info/uid").asText().startsWith("upload-spike/"), request.text());
      }
      WebhookServer.Request slack = http.accepted().stream().filter(r -> r.path().equals("/slack")).findFirst().orElseThrow();
      assertTrue(JSON.readTree(slack.body()).get("text").asText().contains("upload-spike"), slack.text());
      assertTrue(JSON.readTree(slack.body()).get("blocks").isArray(), slack.text());
      WebhookServer.Request teams = http.accepted().stream().filter(r -> r.path().equals("/teams")).findFirst().orElseThrow();
      assertEquals("AdaptiveCard", JSON.readTree(teams.body()).at("/attachments/0/content/type").asText(), teams.text());
      WebhookServer.Request hec = http.accepted().stream().filter(r -> r.path().equals("/services/collector/event")).findFirst()
          .orElseThrow();
      assertEquals("Splunk " + HEC_TOKEN, hec.header("Authorization"));
      assertEquals("agentwatch:alert", JSON.readTree(hec.body()).get("sourcetype").asText());

      for (SyslogListener listener : List.of(udp, tcp, tls)) {
        assertEquals(ids, listener.messages().stream().map(AlertDeliveryTest::syslogAlertId)
            .collect(Collectors.toCollection(TreeSet::new)), listener.address() + ": each alert once");
        assertEquals(20, listener.messages().size());
      }
      String cef = tcp.messages().get(0);
      assertTrue(cef.matches("<8\\d>1 \\S+ \\S+ agentwatch \\d+ upload-spike \\[agentwatch@32473 alert_id=\"[^\"]+\" version=\"0\" "
          + "severity=\"\\w+\"] CEF:0\\|AgentWatch\\|AgentWatch\\|[^|]+\\|upload-spike\\|.*"), cef);
      assertTrue(cef.contains("msg=host-"), cef);
      assertTrue(cef.contains(" cs2=a\\=b|c\\\\d "), "CEF escapes = and \\ in values: " + cef);
      assertTrue(tls.messages().get(0).contains("] {\"alert_id\":"), tls.messages().get(0));
    }
  }

  @Test
  void receiversDownForThirtySecondsLoseNothingAndDuplicateNothing() throws Exception {
    String topic = newTopic();
    try (WebhookServer http = WebhookServer.start();
        SyslogListener tcp = SyslogListener.start(SyslogListener.Transport.TCP, null)) {
      Map<String, String> receivers = new LinkedHashMap<>();
      receiver(receivers, "soc", "type", "webhook", "url", http.url("/soc"));
      receiver(receivers, "siem", "type", "syslog", "address", tcp.address(), "transport", "tcp");
      DeliveryConfig config = config(receivers, 1000, "100ms", "2s");
      try (AlertDelivery delivery = start(config, topic, dir.resolve("state"))) {
        produce(topic, range(0, 5));
        await(() -> http.accepted().size() == 5 && tcp.messages().size() == 5, Duration.ofSeconds(30), () -> "before the outage");

        http.stop();
        tcp.stop();
        produce(topic, range(5, 10));
        Thread.sleep(30_000);
        assertEquals(5, http.accepted().size(), "nothing accepted while down");
        http.listen();
        tcp.listen();

        await(() -> http.accepted().size() >= 10 && tcp.messages().size() >= 10, Duration.ofSeconds(30),
            () -> "after the outage: http " + http.accepted().size() + ", tcp " + tcp.messages().size());
        Thread.sleep(1_500);
        assertTrue(delivery.metrics().perReceiver().get("soc").retried() > 0, "it retried");
        assertEquals(0, delivery.metrics().perReceiver().get("soc").deadLettered());
      }
      List<String> expected = range(0, 10).stream().map(ExposureAlert::getAlertId).sorted().toList();
      assertEquals(expected, http.accepted().stream().map(r -> r.header("Idempotency-Key").replaceAll("#\\d+$", "")).sorted().toList());
      assertEquals(expected, tcp.messages().stream().map(AlertDeliveryTest::syslogAlertId).sorted().toList());
    }
  }

  @Test
  void anAlertRefusedWithEvery400EndsInTheDeadLetterFileAndTheNextAlertsGoOn() throws Exception {
    String topic = newTopic();
    try (WebhookServer refusing = WebhookServer.start(); WebhookServer working = WebhookServer.start()) {
      refusing.answer(400);
      Map<String, String> receivers = new LinkedHashMap<>();
      receiver(receivers, "broken", "type", "webhook", "url", refusing.url("/hook"));
      receiver(receivers, "fine", "type", "webhook", "url", working.url("/hook"));
      DeliveryConfig config = config(receivers, 3, "10ms", "50ms");
      Path state = dir.resolve("state");
      produce(topic, range(0, 4));
      try (AlertDelivery delivery = start(config, topic, state)) {
        await(() -> working.accepted().size() == 4 && delivery.metrics().perReceiver().get("broken").deadLettered() == 4,
            Duration.ofSeconds(30), () -> "fine got " + working.accepted().size() + ", dead letters "
                + delivery.metrics().perReceiver().get("broken").deadLettered());
        assertEquals(4 * 2, delivery.metrics().perReceiver().get("broken").retried());
      }
      assertEquals(4 * 3, refusing.rejectedCount(), "three tries per alert");
      List<String> lines = Files.readAllLines(state.resolve("dead-letters.jsonl"));
      assertEquals(4, lines.size());
      JsonNode first = JSON.readTree(lines.get(0));
      assertEquals("broken", first.get("receiver").asText());
      assertEquals(3, first.get("attempts").asInt());
      assertTrue(first.get("error").asText().contains("HTTP 400"), first.toString());
      assertEquals(range(0, 1).get(0).getAlertId(), first.at("/alert/alert_id").asText());
    }
  }

  @Test
  void aRestartedDeliveryDoesNotResendWhatItDelivered() throws Exception {
    String topic = newTopic();
    try (WebhookServer http = WebhookServer.start()) {
      Map<String, String> receivers = new LinkedHashMap<>();
      receiver(receivers, "soc", "type", "webhook", "url", http.url("/soc"));
      Path state = dir.resolve("state");
      produce(topic, range(0, 5));
      try (AlertDelivery first = start(config(receivers, 3, "10ms", "50ms"), topic, state)) {
        await(() -> http.accepted().size() == 5, Duration.ofSeconds(30), () -> "first run");
      }
      // A restart that reads the topic again from the start, as after a crash before the offsets were
      // committed: a new consumer group sees every alert again.
      produce(topic, range(5, 8));
      DeliveryConfig again = config(receivers, 3, "10ms", "50ms", "agentwatch-delivery-restarted");
      try (AlertDelivery second = start(again, topic, state)) {
        await(() -> http.accepted().size() >= 8 && second.metrics().perReceiver().get("soc").duplicatesSkipped() == 5,
            Duration.ofSeconds(30), () -> "second run: " + http.accepted().size());
        Thread.sleep(1_000);
      }
      assertEquals(range(0, 8).stream().map(ExposureAlert::getAlertId).sorted().toList(),
          http.accepted().stream().map(r -> r.header("Idempotency-Key").replaceAll("#\\d+$", "")).sorted().toList());
    }
  }

  @Test
  void theDeliverCommandDeliversOnItsOwnUntilStopped() throws Exception {
    String topic = newTopic();
    try (WebhookServer http = WebhookServer.start()) {
      Path config = Files.writeString(dir.resolve("deliver.yaml"), """
          kafka:
            alerts-topic: %s
          delivery:
            receivers:
              soc:
                type: webhook
                url: %s
          """.formatted(topic, http.url("/soc")));
      Process deliver = AgentWatchProcess.start(dir, "deliver", "deliver", "--bootstrap-servers", broker.bootstrapServers(),
          "-c", config.toString(), "--data-dir", dir.resolve("data").toString());
      try {
        produce(topic, range(0, 3));
        await(() -> http.accepted().size() >= 3, Duration.ofSeconds(120), () -> output(dir, "deliver"));
        deliver.destroy(); // SIGTERM: stops after the alert in hand
        assertTrue(deliver.waitFor(60, TimeUnit.SECONDS), output(dir, "deliver"));
        assertEquals(0, deliver.exitValue(), output(dir, "deliver"));
      } finally {
        deliver.destroyForcibly();
      }
      assertTrue(output(dir, "deliver").contains("Delivering alerts of topic " + topic + " to 1 receivers: soc"), output(dir, "deliver"));
      assertEquals(3, http.accepted().size());
      assertEquals(3, Files.readAllLines(dir.resolve("data/delivery/delivered-soc.keys")).size(), "its keys in the data directory");
    }
  }

  @Test
  void theDeliverCommandNamesWhatIsMissing() throws Exception {
    Path config = Files.writeString(dir.resolve("empty.yaml"), "delivery:\n  max-attempts: 3\n");
    StringWriter err = new StringWriter();
    CommandLine cli = AgentWatch.commandLine();
    cli.setErr(new PrintWriter(err, true));
    assertEquals(2, cli.execute("deliver", "-c", config.toString()));
    assertTrue(err.toString().contains("kafka.bootstrap-servers: missing: name the Kafka cluster with --bootstrap-servers"), err.toString());
    assertTrue(err.toString().contains("delivery.receivers: no receivers configured"), err.toString());
  }

  // ---- helpers

  private static String output(Path dir, String name) {
    try {
      return AgentWatchProcess.output(dir, name);
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }

  private static String newTopic() {
    String topic = "alerts-" + ++topics;
    broker.createTopic(topic, 2);
    return topic;
  }

  private static AlertDelivery start(DeliveryConfig config, String topic, Path state) {
    return AlertDelivery.start(config, broker.bootstrapServers(), topic, Map.of(), state, "test");
  }

  private static void receiver(Map<String, String> receivers, String name, String... keysAndValues) {
    for (int i = 0; i < keysAndValues.length; i += 2) {
      receivers.put("delivery.receivers." + name + "." + keysAndValues[i], keysAndValues[i + 1]);
    }
  }

  private static DeliveryConfig config(Map<String, String> receivers, int attempts, String initial, String max) throws Exception {
    return config(receivers, attempts, initial, max, DeliveryConfig.DEFAULTS.consumerGroup());
  }

  /** Through a YAML file, the way a user writes it. */
  private static DeliveryConfig config(Map<String, String> receivers, int attempts, String initial, String max, String group)
      throws Exception {
    StringBuilder yaml = new StringBuilder("delivery:\n  receivers:\n");
    String current = null;
    for (Map.Entry<String, String> entry : receivers.entrySet()) {
      String[] parts = entry.getKey().substring("delivery.receivers.".length()).split("\\.", 2);
      if (!parts[0].equals(current)) {
        yaml.append("    ").append(parts[0]).append(":\n");
        current = parts[0];
      }
      yaml.append("      ").append(parts[1]).append(": \"").append(entry.getValue()).append("\"\n");
    }
    yaml.append("  max-attempts: ").append(attempts).append("\n  backoff-initial: ").append(initial)
        .append("\n  backoff-max: ").append(max).append("\n  timeout: 2s\n  consumer-group: ").append(group).append('\n');
    Path file = Files.createTempFile("delivery", ".yaml");
    Files.writeString(file, yaml);
    Settings settings = Settings.load(DeliveryConfig.SETTINGS, file, Map.of(), Map.of());
    DeliveryConfig config = DeliveryConfig.from(settings, Map.of());
    settings.throwIfProblems();
    return config;
  }

  private static List<ExposureAlert> range(int from, int to) {
    List<ExposureAlert> alerts = new ArrayList<>();
    for (int i = from; i < to; i++) {
      alerts.add(alert(i, 4));
    }
    return alerts;
  }

  private static ExposureAlert alert(int n, double score) {
    Instant start = Instant.parse("2026-12-06T14:00:00Z").plusSeconds(60L * n);
    return ExposureAlert.newBuilder()
        .setAlertId("upload-spike/host-" + n + "/OpenAI/api/" + start.toEpochMilli())
        .setDetector("upload-spike")
        .setHost("host-" + n)
        .setVendor("OpenAI")
        .setService("a=b|c\\d")
        .setWindowStart(start)
        .setWindowEnd(start.plusSeconds(60))
        .setObserved(75_000_000)
        .setBaseline(57_000)
        .setScore(score)
        .setTopFlows(List.of(new FlowContribution("1:abc=", 75_000_000L)))
        .setReason("host-" + n + " uploaded 75 MB to OpenAI (api) in the minute from " + start)
        .build();
  }

  private static void produce(String topic, List<ExposureAlert> alerts) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      for (ExposureAlert alert : alerts) {
        byte[] value = ExposureAlert.getEncoder().encode(alert).array();
        producer.send(new ProducerRecord<>(topic, alert.getHost().getBytes(StandardCharsets.UTF_8), value)).get();
      }
    }
  }

  private static final Pattern SYSLOG_ALERT_ID = Pattern.compile("alert_id=\"([^\"]+)\"");

  private static String syslogAlertId(String message) {
    Matcher matcher = SYSLOG_ALERT_ID.matcher(message);
    assertTrue(matcher.find(), message);
    return matcher.group(1);
  }

  private static String hmac(String secret, byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(body));
  }

  private static void await(Supplier<Boolean> condition, Duration timeout, Supplier<String> state) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.get()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s; " + state.get());
      }
      Thread.sleep(100);
    }
  }
}
