package io.agentwatch.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.stack.KafkaBroker;
import io.agentwatch.store.ChdbLibrary;
import io.agentwatch.store.EmbeddedChdbStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded job jar, submitted with {@code flink run} to a standalone Flink cluster in processes of
 * its own (see {@link FlinkStandaloneCluster}), reads a known stream from a real broker and writes
 * the store: the packaging users deploy, not the MiniCluster the other job tests use.
 */
class JobJarOnFlinkClusterTest {

  private static final int RECORDS = 5_000;

  @TempDir Path dir;

  @Test
  void theShadedJobJarRunsOnAFlinkClusterAndStoresTheKnownStream() throws Exception {
    Path jobJar = jobJar();
    KnownStream stream = new KnownStream(RECORDS, 8, 10, 11);
    Path storeDir = dir.resolve("clickhouse");
    try (KafkaBroker broker = new KafkaBroker(dir.resolve("kafka"), 0).start()) {
      broker.createTopic("flows", 2);
      broker.createTopic("alerts", 1);
      broker.createTopic("host-traffic", 1); // the job also reads the sensors' per-host minute totals
      stream.produce(broker.bootstrapServers(), "flows");
      Map<String, String> environment = Map.of(ChdbLibrary.LIBRARY_ENV, ChdbLibrary.resolve().toString());
      try (FlinkStandaloneCluster cluster = FlinkStandaloneCluster.start(dir.resolve("flink"), environment)) {
        long started = System.nanoTime();
        int exit = cluster.run(jobJar, List.of(
            "--kafka.bootstrap-servers=" + broker.bootstrapServers(), "--job.bounded=true",
            "--job.checkpoint-interval=1s", "--job.checkpoint-dir=" + dir.resolve("checkpoints").toUri(),
            "--store.kind=embedded", "--store.embedded.path=" + storeDir), Duration.ofMinutes(4));
        assertEquals(0, exit, "flink run failed\n" + cluster.logs());
        System.out.printf("job jar on a standalone cluster: %d records, flink run returned after %d ms%n",
            RECORDS, (System.nanoTime() - started) / 1_000_000);
      }
    }
    // The TaskManager has exited, so this JVM may open the data directory it wrote.
    try (EmbeddedChdbStore store = EmbeddedChdbStore.open(storeDir)) {
      assertEquals(RECORDS + "\n", store.query("SELECT count() FROM flows"), "one raw row per record");
      assertEquals(stream.truth(), KnownStream.windowsIn(store), "per-window sums equal the truth");
      assertEquals("0\n", store.query("SELECT count() FROM late_flows"));
    }
  }

  /** The jar `mvn package` builds in stream-jobs (the reactor builds it before this module's tests). */
  private static Path jobJar() throws Exception {
    Path target = Path.of(System.getProperty("agentwatch.repo", "..")).resolve("stream-jobs/target");
    try (Stream<Path> files = Files.exists(target) ? Files.list(target) : Stream.empty()) {
      Path jar = files.filter(f -> f.getFileName().toString().matches("agentwatch-stream-jobs-.*-job\\.jar")).findFirst()
          .orElse(null);
      assertTrue(jar != null, "no job jar in " + target.toAbsolutePath() + ": run `mvn -pl stream-jobs package` first");
      return jar;
    }
  }
}
