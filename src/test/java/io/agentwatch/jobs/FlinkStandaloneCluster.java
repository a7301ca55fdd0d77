package io.agentwatch.jobs;

import io.agentwatch.stack.LocalPorts;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A Flink standalone session cluster in two processes, as {@code bin/start-cluster.sh} starts one
 * (a JobManager: {@code StandaloneSessionClusterEntrypoint}, a TaskManager: {@code
 * TaskManagerRunner}), and {@code bin/flink run} as a third ({@code CliFrontend}).
 *
 * <p>The processes get what a Flink distribution's {@code lib/} holds — Flink and its own
 * dependencies, taken from this test's class path — and none of the job's: not AgentWatch's
 * classes, Kafka, Avro, JNA or the ClickHouse client. A job jar that runs here carries what it needs.
 */
final class FlinkStandaloneCluster implements AutoCloseable {

  /**
   * Class path entries a Flink distribution does not provide (the job jar must bring them):
   * AgentWatch's own modules (built in target/ or installed under io/agentwatch) and the libraries
   * of the job and of the tests.
   */
  private static final List<String> NOT_IN_A_FLINK_DISTRIBUTION = List.of(
      "/target/", "/io/agentwatch/", "/org/apache/kafka/", "/org/apache/avro/",
      "/flink-connector-kafka/", "/flink-avro/", "/flink-connector-base/", "/net/java/dev/jna/", "/com/clickhouse/",
      "/com/fasterxml/", "/org/junit/", "/org/opentest4j/", "/org/apiguardian/", "/info/picocli/", "/org/pcap4j/",
      "/com/code-intelligence/", "/com/github/luben/", "/tools/profiler/");

  private final Path dir;
  private final Path conf;
  private final int restPort;
  private final Map<String, String> environment;
  private final String classPath;
  private final List<Process> processes = new ArrayList<>();

  private FlinkStandaloneCluster(Path dir, Map<String, String> environment) throws IOException {
    this.dir = Files.createDirectories(dir);
    this.conf = Files.createDirectories(dir.resolve("conf"));
    this.restPort = LocalPorts.free();
    this.environment = environment;
    String testClassPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    this.classPath = Arrays.stream(testClassPath.split(java.io.File.pathSeparator))
        .filter(entry -> NOT_IN_A_FLINK_DISTRIBUTION.stream().noneMatch(entry.replace('\\', '/')::contains))
        .collect(Collectors.joining(java.io.File.pathSeparator));
    // Started by bin/taskmanager.sh, a TaskManager gets its memory sizes computed by the script;
    // started directly it needs them spelled out.
    Files.writeString(conf.resolve("config.yaml"), """
        jobmanager.rpc.address: localhost
        jobmanager.rpc.port: %d
        jobmanager.bind-host: localhost
        jobmanager.memory.process.size: 1024m
        taskmanager.host: localhost
        taskmanager.bind-host: localhost
        taskmanager.numberOfTaskSlots: 2
        taskmanager.cpu.cores: 2.0
        taskmanager.memory.framework.heap.size: 128m
        taskmanager.memory.framework.off-heap.size: 128m
        taskmanager.memory.task.heap.size: 256m
        taskmanager.memory.task.off-heap.size: 0m
        taskmanager.memory.network.min: 64m
        taskmanager.memory.network.max: 64m
        taskmanager.memory.managed.size: 64m
        taskmanager.memory.jvm-metaspace.size: 256m
        taskmanager.memory.jvm-overhead.min: 192m
        taskmanager.memory.jvm-overhead.max: 192m
        rest.address: localhost
        rest.bind-address: localhost
        pekko.startup-timeout: 60 s
        rest.port: %d
        parallelism.default: 2
        """.formatted(LocalPorts.free(), restPort));
    Files.writeString(conf.resolve("log4j2.properties"), """
        rootLogger.level = INFO
        rootLogger.appenderRef.file.ref = file
        appender.file.type = File
        appender.file.name = file
        appender.file.fileName = ${sys:log.file}
        appender.file.layout.type = PatternLayout
        appender.file.layout.pattern = %d{HH:mm:ss.SSS} %-5p %-40c{1} %m%n
        """);
  }

  /** Starts the JobManager and one TaskManager with two slots; returns once the TaskManager has registered. */
  static FlinkStandaloneCluster start(Path dir, Map<String, String> environment) throws Exception {
    FlinkStandaloneCluster cluster = new FlinkStandaloneCluster(dir, environment);
    try {
      cluster.processes.add(cluster.java("jobmanager", "-Xmx512m",
          "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint", "--configDir", cluster.conf.toString()));
      cluster.processes.add(cluster.java("taskmanager", "-Xmx768m",
          "org.apache.flink.runtime.taskexecutor.TaskManagerRunner", "--configDir", cluster.conf.toString()));
      cluster.awaitTaskManager(Duration.ofMinutes(3));
      return cluster;
    } catch (Exception | AssertionError e) {
      cluster.close();
      throw e;
    }
  }

  /**
   * {@code flink run JAR ARGS}: submits the job attached and waits for it to finish. Returns the
   * client's exit code; its output is in {@code client.log}/{@code client.out} (see {@link #logs}).
   */
  int run(Path jobJar, List<String> jobArguments, Duration timeout) throws Exception {
    List<String> command = new ArrayList<>(List.of("run", jobJar.toString()));
    command.addAll(jobArguments);
    Process client = java("client", "-Xmx512m", "org.apache.flink.client.cli.CliFrontend", command.toArray(String[]::new));
    if (!client.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      client.destroyForcibly().waitFor();
      throw new AssertionError("flink run did not finish within " + timeout + "\n" + logs());
    }
    return client.exitValue();
  }

  /** The end of every process's log, for a failure message. */
  /** The JobManager's REST endpoint, what `up --flink` takes. */
  String restUrl() {
    return "http://localhost:" + restPort;
  }

  String logs() {
    StringBuilder out = new StringBuilder();
    for (String name : List.of("jobmanager", "taskmanager", "client")) {
      for (String suffix : List.of(".log", ".out")) {
        Path file = dir.resolve(name + suffix);
        if (Files.exists(file)) {
          try {
            List<String> lines = Files.readAllLines(file);
            out.append("---- ").append(file.getFileName()).append(" (last 60 lines)\n");
            lines.subList(Math.max(0, lines.size() - 60), lines.size()).forEach(line -> out.append(line).append('\n'));
          } catch (IOException e) {
            out.append("---- ").append(file).append(": ").append(e.getMessage()).append('\n');
          }
        }
      }
    }
    return out.toString();
  }

  private Process java(String name, String heap, String mainClass, String... arguments) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), heap));
    // The --add-opens this JVM got (the same list Flink's distribution puts in env.java.opts.all).
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream().filter(a -> a.startsWith("--add-opens")).forEach(command::add);
    command.addAll(List.of("-Dlog.file=" + dir.resolve(name + ".log"),
        "-Dlog4j.configurationFile=" + conf.resolve("log4j2.properties").toUri(), "-cp", classPath, mainClass));
    command.addAll(List.of(arguments));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".out").toFile());
    builder.environment().putAll(environment);
    builder.environment().put("FLINK_CONF_DIR", conf.toString());
    return builder.start();
  }

  private void awaitTaskManager(Duration timeout) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + restPort + "/taskmanagers"))
        .timeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (Process process : processes) {
        if (!process.isAlive()) {
          throw new AssertionError("a cluster process exited with " + process.exitValue() + "\n" + logs());
        }
      }
      try {
        String body = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
        if (body.contains("\"slotsNumber\":2")) {
          return;
        }
      } catch (IOException notListeningYet) {
        // the JobManager's REST endpoint is still starting
      }
      Thread.sleep(250);
    }
    throw new AssertionError("no TaskManager registered within " + timeout + "\n" + logs());
  }

  @Override
  public void close() {
    for (Process process : processes) {
      process.destroy();
    }
    for (Process process : processes) {
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }
}
