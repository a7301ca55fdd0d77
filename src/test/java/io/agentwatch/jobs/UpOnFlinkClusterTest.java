package io.agentwatch.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.cli.AgentWatch;
import io.agentwatch.demo.DemoFleet;
import io.agentwatch.stack.LocalPorts;
import io.agentwatch.stack.RunningJob;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * `agentwatch up --flink URL`: the job of a running stack on a Flink standalone cluster in
 * processes of its own (the job jar shipped through the REST endpoint), writing the stack's
 * embedded store through its ClickHouse HTTP interface as the writer user. Every flow of the
 * replayed capture is stored once; stopping `up` stops the cluster's job with a savepoint in the
 * data directory, from which the next start restores.
 */
class UpOnFlinkClusterTest {

  @TempDir Path dir;

  @Test
  void theJobRunsOnTheClusterAndStoresEveryFlowOfTheStack() throws Exception {
    Path capture = dir.resolve("demo.pcap");
    DemoFleet.withIncident(Instant.now().minus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS), 7).writePcap(capture);
    long flows = flowsIn(capture);
    assertTrue(flows > 20, "a demo capture of some size: " + flows);

    try (FlinkStandaloneCluster cluster = FlinkStandaloneCluster.start(dir.resolve("flink"), Map.of())) {
      Path data = dir.resolve("data");
      int clickhouseHttp = LocalPorts.free();
      List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
      ManagementFactory.getRuntimeMXBean().getInputArguments().stream().filter(a -> a.startsWith("--add-opens")).forEach(command::add);
      command.addAll(List.of("-Xmx768m", "-cp", System.getProperty("java.class.path"), "io.agentwatch.cli.AgentWatch", "up",
          "--flink", cluster.restUrl(), "--read", capture.toString(), "--data-dir", data.toString(),
          "--http", "127.0.0.1:" + LocalPorts.free(), "--set", "kafka.port=" + LocalPorts.free(),
          "--set", "store.http-listen=127.0.0.1:" + clickhouseHttp, "--set", "job.checkpoint-interval=1s",
          "--set", "job.parallelism=1"));
      Path log = dir.resolve("up.log");
      Process up = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      try {
        for (int i = 0; i < 3000 && !Files.readString(log).contains("AgentWatch is up"); i++) {
          assertTrue(up.isAlive(), "up ended at start:\n" + Files.readString(log) + cluster.logs());
          Thread.sleep(100);
        }
        assertTrue(Files.readString(log).contains("AgentWatch is up"), "up did not start in 300 s:\n" + Files.readString(log));
        String stored = "";
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (System.nanoTime() < deadline && !stored.equals(flows + "\n")) {
          assertTrue(up.isAlive(), "up ended:\n" + Files.readString(log) + cluster.logs());
          Thread.sleep(1_000);
          stored = clickhouse(clickhouseHttp, "SELECT count() FROM flows");
        }
        assertEquals(flows + "\n", stored, "every flow of the capture stored once\n" + Files.readString(log) + cluster.logs());
        assertTrue(Files.readString(log).contains("job          on the Flink cluster at " + cluster.restUrl()), Files.readString(log));
        assertEquals("0\n", clickhouse(clickhouseHttp, "SELECT count() FROM dead_letters"));

        up.destroy(); // SIGTERM: the cluster's job stops with a savepoint in the data directory
        assertTrue(up.waitFor(60, TimeUnit.SECONDS), Files.readString(log));
        assertEquals(0, up.exitValue(), Files.readString(log));
        assertTrue(RunningJob.newestState(data.resolve("savepoints")).isPresent(),
            "a savepoint to restore from:\n" + Files.readString(log) + cluster.logs());
      } finally {
        up.destroyForcibly();
      }
    }
  }

  private static long flowsIn(Path capture) {
    StringWriter out = new StringWriter();
    CommandLine cli = AgentWatch.commandLine();
    cli.setOut(new PrintWriter(out, true));
    assertEquals(0, cli.execute("flows", "--read", capture.toString(), "--format", "jsonl"));
    return out.toString().lines().count();
  }

  /** A read through the stack's own ClickHouse HTTP interface (read-only user), as Grafana would. */
  private static String clickhouse(int port, String sql) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
        "http://127.0.0.1:" + port + "/?query=" + URLEncoder.encode(sql, StandardCharsets.UTF_8))).build(),
        HttpResponse.BodyHandlers.ofString());
    return response.statusCode() == 200 ? response.body() : "HTTP " + response.statusCode() + ": " + response.body();
  }
}
