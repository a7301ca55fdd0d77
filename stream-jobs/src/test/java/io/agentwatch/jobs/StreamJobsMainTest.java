package io.agentwatch.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.jobs.aggregate.AggregationJobConfig;
import io.agentwatch.jobs.sink.ClickHouseSinkConfig;
import io.agentwatch.store.StoreConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamJobsMainTest {

  @Test
  void argumentsOverrideTheEnvironmentAndDefaultsFillTheRest() {
    AggregationJobConfig config = StreamJobsMain.config(new StreamJobsMain.Settings(
        new String[] {"--kafka.bootstrap-servers=kafka:9092", "--job.checkpoint-interval=500ms",
            "--kafka.alerts-topic=", "--store.remote.url=http://ch:8123"},
        Map.of("AGENTWATCH_STORE_KIND", "remote", "AGENTWATCH_JOB_ALLOWED_LATENESS", "2m",
            "AGENTWATCH_KAFKA_BOOTSTRAP_SERVERS", "ignored:1", "AGENTWATCH_JOB_CHECKPOINT_DIR", "file:///tmp/cp")));
    assertEquals("kafka:9092", config.bootstrapServers());
    assertEquals(Duration.ofMillis(500), config.checkpointInterval());
    assertEquals(Duration.ofMinutes(2), config.allowedLateness());
    assertEquals("file:///tmp/cp", config.checkpointDirectory());
    assertNull(config.alertsTopic(), "an empty alerts topic turns the Kafka alerts sink off");
    assertEquals(StoreConfig.Kind.REMOTE, config.sink().store().kind());
    assertEquals(ClickHouseSinkConfig.Delivery.EXACTLY_ONCE, config.sink().delivery());
    assertTrue(config.detection() != null);
    assertFalse(config.bounded(), "a job runs for ever unless told to stop at the topic's end");
    assertTrue(StreamJobsMain.config(new StreamJobsMain.Settings(
        new String[] {"--kafka.bootstrap-servers=k:1", "--store.embedded.path=/tmp/x", "--job.bounded=true"}, Map.of())).bounded());
  }

  @Test
  void aBadValueNamesItsKey() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StreamJobsMain.config(
        new StreamJobsMain.Settings(new String[] {"--kafka.bootstrap-servers=k:1", "--job.idleness=soon",
            "--store.embedded.path=/tmp/x"}, Map.of())));
    assertTrue(e.getMessage().startsWith("job.idleness:"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> StreamJobsMain.config(
        new StreamJobsMain.Settings(new String[] {"--store.embedded.path=/tmp/x"}, Map.of())));
    assertTrue(e.getMessage().startsWith("kafka.bootstrap-servers:"), e.getMessage());
  }
}
