package io.agentwatch.delivery;

import io.agentwatch.config.Setting;
import io.agentwatch.config.Settings;
import io.agentwatch.config.ValueParsers;
import io.agentwatch.delivery.receiver.ReceiverConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How alerts are delivered: the receivers with their routes, how often and how patiently a send is
 * tried, and the consumer group on the alerts topic.
 *
 * @param maxAttempts tries per alert and receiver before it goes to the dead-letter file
 * @param backoffInitial the wait after the first failed try; doubled after each, with jitter
 * @param backoffMax the longest wait between tries
 * @param timeout connecting to a receiver and waiting for its answer
 * @param rememberedKeys delivered (alert id, version) keys kept per receiver against resending
 */
public record DeliveryConfig(List<ReceiverConfig> receivers, int maxAttempts, Duration backoffInitial,
    Duration backoffMax, Duration timeout, String consumerGroup, int rememberedKeys) {

  public static final DeliveryConfig DEFAULTS = new DeliveryConfig(List.of(), 10, Duration.ofSeconds(1),
      Duration.ofMinutes(1), Duration.ofSeconds(10), "agentwatch-delivery", 100_000);

  /** The keys `up` reads (its broker and alerts topic are its own). */
  public static final List<Setting> SETTINGS = List.of(
      Setting.map("delivery.receivers",
          "receivers by name, each with type (webhook, slack, teams, splunk-hec, syslog) and its keys (delivery/README.md)"),
      Setting.value("delivery.max-attempts", "N", Integer.toString(DEFAULTS.maxAttempts),
          "tries per alert and receiver before the alert goes to delivery/dead-letters.jsonl"),
      Setting.value("delivery.backoff-initial", "DURATION", ValueParsers.text(DEFAULTS.backoffInitial),
          "wait after a failed try, doubled after each (with jitter)"),
      Setting.value("delivery.backoff-max", "DURATION", ValueParsers.text(DEFAULTS.backoffMax), "longest wait between tries"),
      Setting.value("delivery.timeout", "DURATION", ValueParsers.text(DEFAULTS.timeout),
          "connecting to a receiver and waiting for its answer"),
      Setting.value("delivery.consumer-group", "NAME", DEFAULTS.consumerGroup, "Kafka consumer group on the alerts topic"),
      Setting.value("delivery.remembered-keys", "N", Integer.toString(DEFAULTS.rememberedKeys),
          "delivered (alert id, version) keys kept per receiver so a restart does not resend them"));

  /** What `agentwatch deliver` reads: the above, and where the alerts are. */
  public static final List<Setting> STANDALONE_SETTINGS = standalone();

  private static List<Setting> standalone() {
    List<Setting> settings = new ArrayList<>();
    settings.add(Setting.value("kafka.bootstrap-servers", "HOST:PORT,...", null, "the Kafka cluster with the alerts topic"));
    settings.add(Setting.value("kafka.alerts-topic", "TOPIC", "alerts", "topic the detection job writes alerts to"));
    settings.add(Setting.map("delivery.kafka",
        "more consumer properties, e.g. security.protocol: SASL_SSL (secrets: from the environment, as Kafka's own config providers allow)"));
    settings.addAll(SETTINGS);
    return List.copyOf(settings);
  }

  /** The delivery settings among {@code settings}; problems are recorded there, null returned for a bad one. */
  public static DeliveryConfig from(Settings settings, Map<String, String> environment) {
    Integer attempts = settings.parse("delivery.max-attempts", text -> ValueParsers.integer(text, 1, 1000));
    Duration initial = settings.parse("delivery.backoff-initial", ValueParsers::duration);
    Duration max = settings.parse("delivery.backoff-max", ValueParsers::duration);
    Duration timeout = settings.parse("delivery.timeout", ValueParsers::duration);
    Integer remembered = settings.parse("delivery.remembered-keys", text -> ValueParsers.integer(text, 100, 100_000_000));
    List<ReceiverConfig> receivers = new ArrayList<>();
    settings.check(() -> receivers.addAll(ReceiverConfig.parseAll(settings.map("delivery.receivers"), environment)));
    if (attempts == null || initial == null || max == null || timeout == null || remembered == null) {
      return null;
    }
    DeliveryConfig config = new DeliveryConfig(List.copyOf(receivers), attempts, initial, max, timeout,
        settings.text("delivery.consumer-group"), remembered);
    settings.check(config::validate);
    return config;
  }

  public DeliveryConfig validate() {
    if (backoffMax.compareTo(backoffInitial) < 0) {
      throw new IllegalArgumentException("delivery.backoff-max: " + ValueParsers.text(backoffMax)
          + " is shorter than delivery.backoff-initial " + ValueParsers.text(backoffInitial));
    }
    if (consumerGroup == null || consumerGroup.isBlank()) {
      throw new IllegalArgumentException("delivery.consumer-group: must not be empty");
    }
    return this;
  }

  public boolean hasReceivers() {
    return !receivers.isEmpty();
  }

  public ReceiverConfig receiver(String name) {
    return receivers.stream().filter(receiver -> receiver.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no receiver '" + name + "' under delivery.receivers (there are: "
            + (receivers.isEmpty() ? "none" : String.join(", ", receivers.stream().map(ReceiverConfig::name).toList())) + ")"));
  }

  /** The wait before try number {@code attempt + 1}: doubling from the initial, capped, jittered to 50–100 %. */
  public Duration backoff(int attempt, double random) {
    double millis = Math.min(backoffMax.toMillis(), backoffInitial.toMillis() * Math.pow(2, attempt - 1));
    return Duration.ofMillis((long) (millis * (0.5 + random / 2)));
  }
}
