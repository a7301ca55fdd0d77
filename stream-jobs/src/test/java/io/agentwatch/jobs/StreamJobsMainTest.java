package io.agentwatch.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.config.ConfigException;
import io.agentwatch.config.Setting;
import io.agentwatch.jobs.detect.DetectionConfig;
import io.agentwatch.jobs.sink.ClickHouseSinkConfig;
import io.agentwatch.store.StoreConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamJobsMainTest {

  private static AgentWatchJobConfig config(Map<String, String> environment, String... args) {
    return StreamJobsMain.config(StreamJobsMain.settings(args, environment));
  }

  @Test
  void argumentsOverrideTheEnvironmentAndDefaultsFillTheRest() {
    AgentWatchJobConfig config = config(
        Map.of("AGENTWATCH_STORE_KIND", "remote", "AGENTWATCH_JOB_ALLOWED_LATENESS", "2m",
            "AGENTWATCH_KAFKA_BOOTSTRAP_SERVERS", "ignored:1", "AGENTWATCH_JOB_CHECKPOINT_DIR", "file:///tmp/cp"),
        "--kafka.bootstrap-servers=kafka:9092", "--job.checkpoint-interval=500ms",
        "--kafka.alerts-topic=", "--store.remote.url=http://ch:8123");
    assertEquals("kafka:9092", config.bootstrapServers());
    assertEquals(Duration.ofMillis(500), config.checkpointInterval());
    assertEquals(Duration.ofMinutes(2), config.allowedLateness());
    assertEquals("file:///tmp/cp", config.checkpointDirectory());
    assertNull(config.alertsTopic(), "an empty alerts topic turns the Kafka alerts sink off");
    assertEquals(StoreConfig.Kind.REMOTE, config.sink().store().kind());
    assertEquals(ClickHouseSinkConfig.Delivery.EXACTLY_ONCE, config.sink().delivery());
    assertEquals(DetectionConfig.defaults(), config.detection());
    assertFalse(config.bounded(), "a job runs for ever unless told to stop at the topic's end");
    assertTrue(config(Map.of(), "--kafka.bootstrap-servers=k:1", "--store.embedded.path=/tmp/x", "--job.bounded=true").bounded());
  }

  @Test
  void everyDetectorThresholdIsReadFromTheCommandLineAndTheEnvironment() {
    AgentWatchJobConfig config = config(Map.of("AGENTWATCH_DETECT_FLEET_MIN_HOSTS", "7"),
        "--kafka.bootstrap-servers=k:1", "--store.embedded.path=/tmp/x",
        "--detect.spike.score=5.5", "--detect.sustained.floor-bytes=2MiB", "--detect.cooldown=10m",
        "--detect.first-contact.warmup=0", "--job.window=30s", "--sink.max-batch-rows=1000");
    DetectionConfig detect = config.detection();
    assertEquals(5.5, detect.spikeScore());
    assertEquals(2L << 20, detect.sustainedFloorBytes());
    assertEquals(Duration.ofMinutes(10), detect.cooldown());
    assertEquals(Duration.ZERO, detect.firstContactWarmup());
    assertEquals(7, detect.fleetMinHosts());
    assertEquals(Duration.ofSeconds(30), config.window());
    assertEquals(1000, config.sink().maxBatchRows());
    assertNull(config(Map.of(), "--kafka.bootstrap-servers=k:1", "--store.embedded.path=/tmp/x", "--job.detection=false")
        .detection(), "job.detection=false turns the detectors off");
  }

  @Test
  void everyDocumentedKeyIsDeclaredWithADefaultThatParses() {
    // The records' javadoc names each key as {@code key}; each must be a setting the job reads.
    for (String key : new String[] {"detect.ewma-alpha", "detect.warmup-windows", "detect.std-floor-fraction",
        "detect.spike.score", "detect.spike.factor", "detect.spike.floor-bytes", "detect.sustained.windows",
        "detect.sustained.score", "detect.sustained.factor", "detect.sustained.floor-bytes", "detect.heavy.ratio",
        "detect.heavy.floor-bytes", "detect.fleet.score", "detect.fleet.factor", "detect.fleet.floor-bytes",
        "detect.fleet.min-hosts", "detect.first-contact.memory", "detect.first-contact.warmup", "detect.cooldown",
        "detect.state-ttl", "job.window", "job.out-of-orderness", "job.idleness", "job.allowed-lateness",
        "job.checkpoint-interval", "job.checkpoint-dir", "job.consumer-group", "job.bounded", "job.parallelism",
        "job.detection", "kafka.flows-topic", "kafka.alerts-topic", "sink.delivery", "sink.max-batch-rows",
        "sink.max-batch-age", "sink.initial-backoff", "sink.max-backoff", "store.kind"}) {
      assertTrue(AgentWatchJobConfig.SETTINGS.stream().map(Setting::key).anyMatch(key::equals), key);
    }
    // Defaults given as text parse back to the records' defaults.
    AgentWatchJobConfig config = config(Map.of(), "--kafka.bootstrap-servers=k:1", "--store.embedded.path=/tmp/x");
    assertEquals(DetectionConfig.defaults(), config.detection());
    AgentWatchJobConfig defaults = AgentWatchJobConfig.defaults("k:1", ClickHouseSinkConfig.defaults(StoreConfig.embedded("/tmp/x")));
    assertEquals(defaults.flowsTopic(), config.flowsTopic());
    assertEquals(defaults.alertsTopic(), config.alertsTopic());
    assertEquals(defaults.consumerGroup(), config.consumerGroup());
    assertEquals(defaults.window(), config.window());
    assertEquals(defaults.outOfOrderness(), config.outOfOrderness());
    assertEquals(defaults.idleness(), config.idleness());
    assertEquals(defaults.allowedLateness(), config.allowedLateness());
    assertEquals(defaults.checkpointInterval(), config.checkpointInterval());
    assertEquals(ClickHouseSinkConfig.defaults(config.sink().store()).withOpener(null), config.sink().withOpener(null));
  }

  @Test
  void aMisspeltKeyFailsNamingItsSourceAndTheKeyMeant() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> config(Map.of(), "--kafka.bootstrap-servers=k:1", "--store.embedded.path=/tmp/x", "--detect.spike.scor=5"));
    assertEquals("unknown key 'detect.spike.scor' (in the command line); did you mean 'detect.spike.score'?", e.getMessage());
  }

  @Test
  void aBadValueNamesItsKeyAndSource() {
    ConfigException e = assertThrows(ConfigException.class, () -> config(Map.of("AGENTWATCH_DETECT_EWMA_ALPHA", "2"),
        "--kafka.bootstrap-servers=k:1", "--job.idleness=soon", "--store.embedded.path=/tmp/x"));
    assertEquals(2, e.problems().size(), e.getMessage());
    assertTrue(e.problems().contains("job.idleness: 'soon' is not a duration (use a number and a unit: 500ms, 60s, 5m, 1h, 1d) "
        + "(from the command line)"), e.getMessage());
    assertTrue(e.problems().contains(
        "detect.ewma-alpha: 2.0 must be between 0 and 1 (from environment variable AGENTWATCH_DETECT_EWMA_ALPHA)"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> config(Map.of(), "--store.embedded.path=/tmp/x"));
    assertEquals("kafka.bootstrap-servers: missing", e.getMessage());
  }
}
