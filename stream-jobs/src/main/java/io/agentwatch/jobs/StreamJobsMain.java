package io.agentwatch.jobs;

import io.agentwatch.jobs.aggregate.AggregationJob;
import io.agentwatch.jobs.aggregate.AggregationJobConfig;
import io.agentwatch.jobs.hosttraffic.HostTrafficBranch;
import io.agentwatch.jobs.sink.ClickHouseSinkConfig;
import io.agentwatch.store.ClickHouseStore;
import io.agentwatch.store.Migrations;
import io.agentwatch.store.StoreConfig;
import io.agentwatch.store.Stores;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Entry point of the shaded job jar ({@code flink run -c io.agentwatch.jobs.StreamJobsMain
 * agentwatch-stream-jobs-VERSION-job.jar --kafka.bootstrap-servers=kafka:9092 ...}).
 *
 * <p>Settings come from {@code --key=value} arguments, else from environment variables named
 * {@code AGENTWATCH_} + the key upper-cased with dots and hyphens as underscores
 * ({@code AGENTWATCH_KAFKA_BOOTSTRAP_SERVERS}), else defaults. Keys: {@code kafka.bootstrap-servers}
 * (required), {@code kafka.flows-topic}, {@code kafka.alerts-topic} ('' for none),
 * {@code kafka.host-traffic-topic} (the sensors' per-host minute totals, default host-traffic;
 * '' for none; the topic must exist),
 * {@code job.consumer-group}, {@code job.bounded} (true: read the topic from its oldest record up to
 * its end at submission, then finish, e.g. to backfill a new store; default false: run for ever from
 * the group's committed offsets), {@code job.parallelism}, {@code job.checkpoint-interval},
 * {@code job.checkpoint-dir}, {@code job.out-of-orderness}, {@code job.allowed-lateness},
 * {@code job.idleness}, {@code job.detection} (true/false), {@code sink.delivery}
 * (exactly-once/at-least-once), and the store keys of {@link StoreConfig} ({@code store.kind},
 * {@code store.remote.url}, ...). Durations: {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h},
 * {@code 30d} or ISO-8601. The store's migrations are applied before the job is submitted.
 */
public final class StreamJobsMain {

  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private StreamJobsMain() {}

  public static void main(String[] args) throws Exception {
    Settings settings = new Settings(args, System.getenv());
    AggregationJobConfig config = config(settings);
    try (ClickHouseStore store = Stores.open(config.sink().store())) {
      Migrations.bundled(store).apply();
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(AggregationJob.flinkSettings(config));
    String parallelism = settings.get("job.parallelism", null);
    if (parallelism != null) {
      env.setParallelism(Integer.parseInt(parallelism));
    }
    AggregationJob.build(env, config);
    String hostTraffic = settings.get("kafka.host-traffic-topic", HostTrafficBranch.DEFAULT_TOPIC);
    if (!hostTraffic.isEmpty()) {
      HostTrafficBranch.build(env, config, hostTraffic);
    }
    env.execute("agentwatch stream jobs");
  }

  /** The job's config from flat settings; an invalid value fails naming its key. */
  static AggregationJobConfig config(Settings s) {
    StoreConfig store = StoreConfig.fromMap(s.withPrefix("store."));
    ClickHouseSinkConfig sink = ClickHouseSinkConfig.defaults(store).withDelivery(
        enumValue("sink.delivery", s.get("sink.delivery", "exactly-once")));
    AggregationJobConfig d = AggregationJobConfig.defaults(s.get("kafka.bootstrap-servers", null), sink);
    String alerts = s.get("kafka.alerts-topic", d.alertsTopic());
    return new AggregationJobConfig(d.bootstrapServers(),
        s.get("kafka.flows-topic", d.flowsTopic()),
        alerts.isEmpty() ? null : alerts,
        s.get("job.consumer-group", d.consumerGroup()),
        Boolean.parseBoolean(s.get("job.bounded", "false")),
        d.window(),
        s.duration("job.out-of-orderness", d.outOfOrderness()),
        s.duration("job.idleness", d.idleness()),
        s.duration("job.allowed-lateness", d.allowedLateness()),
        s.duration("job.checkpoint-interval", d.checkpointInterval()),
        s.get("job.checkpoint-dir", null),
        sink,
        Boolean.parseBoolean(s.get("job.detection", "true")) ? d.detection() : null).validate();
  }

  private static ClickHouseSinkConfig.Delivery enumValue(String key, String text) {
    try {
      return ClickHouseSinkConfig.Delivery.valueOf(text.toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": must be exactly-once or at-least-once, got '" + text + "'");
    }
  }

  /** Flat settings: arguments over environment. */
  static final class Settings {
    private final Map<String, String> values = new HashMap<>();

    Settings(String[] args, Map<String, String> env) {
      env.forEach((name, value) -> {
        if (name.startsWith("AGENTWATCH_")) {
          values.put(name, value);
        }
      });
      for (String arg : args) {
        if (!arg.startsWith("--") || arg.indexOf('=') < 0) {
          throw new IllegalArgumentException("argument '" + arg + "': expected --key=value");
        }
        int eq = arg.indexOf('=');
        values.put(envName(arg.substring(2, eq)), arg.substring(eq + 1));
      }
    }

    String get(String key, String fallback) {
      return values.getOrDefault(envName(key), fallback);
    }

    Map<String, String> withPrefix(String prefix) {
      Map<String, String> out = new HashMap<>();
      for (String key : new String[] {StoreConfig.KIND, StoreConfig.EMBEDDED_PATH, StoreConfig.REMOTE_URL,
          StoreConfig.REMOTE_DATABASE, StoreConfig.REMOTE_USER, StoreConfig.REMOTE_PASSWORD_FILE,
          StoreConfig.REMOTE_PASSWORD_ENV}) {
        String value = get(key, null);
        if (key.startsWith(prefix) && value != null) {
          out.put(key, value);
        }
      }
      return out;
    }

    Duration duration(String key, Duration fallback) {
      String text = get(key, null);
      if (text == null) {
        return fallback;
      }
      Matcher m = DURATION.matcher(text.strip());
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        switch (m.group(2)) {
          case "ms": return Duration.ofMillis(n);
          case "s": return Duration.ofSeconds(n);
          case "m": return Duration.ofMinutes(n);
          case "h": return Duration.ofHours(n);
          default: return Duration.ofDays(n);
        }
      }
      try {
        return Duration.parse(text.strip());
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(key + ": '" + text + "' is not a duration (500ms, 10s, 5m, 1h, 30d, PT10S)");
      }
    }

    private static String envName(String key) {
      return key.startsWith("AGENTWATCH_") ? key
          : "AGENTWATCH_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
  }
}
