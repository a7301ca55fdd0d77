package io.agentwatch.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.config.ConfigException;
import io.agentwatch.store.StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The settings behind `up --kafka/--clickhouse/--flink`: each names its key when it cannot work. */
class ExternalComponentsConfigTest {

  @TempDir Path dir;

  private OneMachineStack.Config load(Map<String, String> given) {
    return OneMachineStack.Config.load(dir.resolve("kafka"), dir.resolve("clickhouse"), false, given, null, Map.of());
  }

  @Test
  void byDefaultEverythingRunsInThisProcess() {
    OneMachineStack.Config config = load(Map.of());
    assertEquals(StoreConfig.Kind.EMBEDDED, config.store().kind());
    assertTrue(!config.externalKafka());
    assertNull(config.flink());
  }

  @Test
  void aFlinkClusterWritesTheEmbeddedStoreThroughItsHttpInterfaceOrNeedsAServer() throws Exception {
    Path jar = Files.writeString(dir.resolve("agentwatch-stream-jobs-1-job.jar"), "PK");
    OneMachineStack.Config config = load(Map.of(FlinkCluster.REST_URL, "http://flink:8081", FlinkCluster.JOB_JAR, jar.toString()));
    assertEquals(StoreConfig.Kind.EMBEDDED, config.store().kind());
    assertEquals("http://flink:8081", config.flink().restUrl().toString());

    ConfigException noInterface = assertThrows(ConfigException.class, () -> load(Map.of(FlinkCluster.REST_URL,
        "http://flink:8081", FlinkCluster.JOB_JAR, jar.toString(), "store.http-listen", "off")));
    assertTrue(noInterface.getMessage().contains("flink.rest-url: with the embedded store the cluster writes through this"
        + " process's ClickHouse HTTP interface, and store.http-listen is off"), noInterface.getMessage());
  }

  @Test
  void aFlinkClusterWithAServerTakesTheJobJar() throws Exception {
    Path jar = Files.writeString(dir.resolve("agentwatch-stream-jobs-1-job.jar"), "PK");
    OneMachineStack.Config config = load(Map.of(FlinkCluster.REST_URL, "http://flink:8081", FlinkCluster.JOB_JAR, jar.toString(),
        StoreConfig.KIND, "remote", StoreConfig.REMOTE_URL, "http://clickhouse:8123"));
    assertEquals("flink", config.flink().restUrl().getHost());
    assertEquals(8081, config.flink().port());
    assertEquals(jar, config.flink().jobJar());
    assertEquals("http://clickhouse:8123", config.store().remoteUrl());

    ConfigException badUrl = assertThrows(ConfigException.class, () -> load(Map.of(FlinkCluster.REST_URL, "flink:8081",
        StoreConfig.KIND, "remote", StoreConfig.REMOTE_URL, "http://clickhouse:8123")));
    assertTrue(badUrl.getMessage().contains("flink.rest-url: 'flink:8081' is not an http://host:port URL"), badUrl.getMessage());
    ConfigException noJar = assertThrows(ConfigException.class, () -> load(Map.of(FlinkCluster.REST_URL, "http://flink:8081",
        FlinkCluster.JOB_JAR, dir.resolve("missing.jar").toString(), StoreConfig.KIND, "remote",
        StoreConfig.REMOTE_URL, "http://clickhouse:8123")));
    assertTrue(noJar.getMessage().contains("flink.job-jar: " + dir.resolve("missing.jar") + " does not exist"), noJar.getMessage());
  }
}
