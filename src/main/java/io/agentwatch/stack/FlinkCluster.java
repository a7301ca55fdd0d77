package io.agentwatch.stack;

import io.agentwatch.chhttp.ClickHouseHttpConfig;
import io.agentwatch.config.Setting;
import io.agentwatch.config.Settings;
import io.agentwatch.jobs.AgentWatchJob;
import io.agentwatch.store.StoreConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A Flink cluster the stack submits its job to instead of running it in this process
 * (`up --flink`): the REST endpoint of its JobManager and the job jar to ship, the same jar
 * `flink run` takes.
 *
 * @param restUrl {@code flink.rest-url}: http://host:port of the JobManager's REST endpoint
 * @param jobJar {@code flink.job-jar}: the shaded job jar (stream-jobs/target/agentwatch-stream-jobs-*-job.jar)
 */
public record FlinkCluster(URI restUrl, Path jobJar) {

  public static final String REST_URL = "flink.rest-url";
  public static final String JOB_JAR = "flink.job-jar";

  public static final List<Setting> SETTINGS = List.of(
      Setting.value(REST_URL, "URL", null,
          "submit the job to this Flink cluster (its JobManager's REST endpoint, e.g. http://flink:8081) instead of"
              + " running it in this process (up --flink); the cluster writes the embedded store through this machine's"
              + " ClickHouse HTTP interface (cluster on this machine), or a ClickHouse server (--clickhouse)"),
      Setting.value(JOB_JAR, "FILE", "the job jar of this build",
          "the job jar shipped to the cluster (mvn -pl stream-jobs -am package builds stream-jobs/target/*-job.jar)"));

  /**
   * The cluster of the settings, or null when the job runs in this process; problems go to
   * {@code settings}. With the embedded store the cluster's TaskManagers write through this
   * process's ClickHouse HTTP interface ({@code clickhouseHttp}: whether it is on), as its writer
   * user: they must run on this machine, since the writer listens on loopback only.
   */
  public static FlinkCluster from(Settings settings, StoreConfig store, boolean clickhouseHttp) {
    URI url = settings.parse(REST_URL, FlinkCluster::restUrl);
    if (url == null) {
      return null;
    }
    if (store != null && store.kind() == StoreConfig.Kind.EMBEDDED && !clickhouseHttp) {
      settings.problem(REST_URL, "with the embedded store the cluster writes through this process's ClickHouse HTTP"
          + " interface, and " + ClickHouseHttpConfig.LISTEN + " is off: set it, or give a ClickHouse server (--clickhouse URL)");
    }
    Path jar = settings.isSet(JOB_JAR) ? settings.parse(JOB_JAR, Path::of) : builtJobJar().orElse(null);
    if (jar == null) {
      settings.problem(JOB_JAR, "no job jar found beside this build; build it with `mvn -pl stream-jobs -am package`"
          + " or name it");
    } else if (!settings.requireReadable(JOB_JAR, jar)) {
      jar = null;
    }
    return new FlinkCluster(url, jar);
  }

  private static URI restUrl(String text) {
    try {
      URI url = new URI(text);
      if (!"http".equals(url.getScheme()) || url.getHost() == null) {
        throw new IllegalArgumentException("'" + text + "' is not an http://host:port URL (a REST endpoint behind TLS"
            + " is not supported yet)");
      }
      return url;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("'" + text + "' is not a URL: " + e.getReason());
    }
  }

  /** The REST port, with Flink's default when the URL names none. */
  public int port() {
    return restUrl.getPort() > 0 ? restUrl.getPort() : 8081;
  }

  /**
   * The job jar of this build: *-job.jar in the folder that holds the job's classes (the
   * stream-jobs module's target/ when run from a checkout), or beside its jar.
   */
  static Optional<Path> builtJobJar() {
    try {
      Path classes = Path.of(AgentWatchJob.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path folder = Files.isDirectory(classes) ? classes.getParent() : classes.getParent();
      try (Stream<Path> files = Files.list(folder)) {
        return files.filter(file -> file.getFileName().toString().matches("agentwatch-stream-jobs-.*-job\\.jar")).findFirst();
      }
    } catch (URISyntaxException | IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * The HTTP interface's settings with the writer the cluster's job uses: the one configured
   * ({@code store.http-writer-*}) or {@link ClickHouseHttpConfig#DEFAULT_WRITER_USER} with a random
   * password; either way the password goes to {@code passwordFile} (owner-only), which the job's
   * TaskManagers read on this machine.
   */
  public static ClickHouseHttpConfig writerFor(ClickHouseHttpConfig http, Path passwordFile) throws IOException {
    String user = http.writerUser() != null ? http.writerUser() : ClickHouseHttpConfig.DEFAULT_WRITER_USER;
    String password = http.writerPassword();
    if (password == null) {
      byte[] random = new byte[24];
      new java.security.SecureRandom().nextBytes(random);
      password = java.util.HexFormat.of().formatHex(random);
    }
    Files.deleteIfExists(passwordFile);
    Files.createFile(passwordFile, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    Files.writeString(passwordFile, password);
    return http.withWriter(user, password);
  }

  /** The store of a job that writes through {@code url}, this process's HTTP interface, as {@code http}'s writer. */
  public static StoreConfig storeThrough(String url, ClickHouseHttpConfig http, Path passwordFile) {
    return StoreConfig.remote(url, StoreConfig.DEFAULT_DATABASE, http.writerUser(), passwordFile.toString());
  }
}
