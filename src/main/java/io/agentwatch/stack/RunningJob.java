package io.agentwatch.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stream job of a stack that runs until stopped, in a Flink MiniCluster, with its state in
 * the data directory: it starts from the newest savepoint or retained checkpoint there, and
 * {@link #stop()} takes a savepoint, so window state, detector baselines and Kafka offsets carry
 * over to the next start — nothing lost, nothing counted twice (the ClickHouse sink re-commits a
 * restored checkpoint's batches with the same deduplication tokens). After a crash the newest
 * retained checkpoint serves the same purpose.
 *
 * <p>Stopping does not drain: open windows stay in the savepoint and close after the restart,
 * when their minute's records are all in. Draining would write them half-full, and the records
 * of the same minute after the restart would make a second, smaller window that replaces the
 * first in the store.
 */
public final class RunningJob implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RunningJob.class);

  private final JobClient client;
  private final Path savepoints;
  private volatile boolean stopped;

  private RunningJob(JobClient client, Path savepoints) {
    this.client = client;
    this.savepoints = savepoints;
  }

  /**
   * Submits the job built by {@code build}, restored from the newest state under
   * {@code checkpoints} or {@code savepoints} when there is one.
   *
   * @param flink the job's Flink settings; checkpoints are retained when the job stops
   */
  public static RunningJob start(String name, Configuration flink, Path checkpoints, Path savepoints,
      Consumer<StreamExecutionEnvironment> build) throws Exception {
    return start(name, flink, null, checkpoints, savepoints, build);
  }

  /**
   * Like {@link #start(String, Configuration, Path, Path, Consumer)}, on {@code cluster} (its
   * REST endpoint, with the job jar shipped) or, when null, in a MiniCluster of this process. A
   * cluster's TaskManagers write the checkpoints: the folders must be theirs too (same machine
   * or a shared mount), for the next start to find the newest state.
   */
  public static RunningJob start(String name, Configuration flink, FlinkCluster cluster, Path checkpoints,
      Path savepoints, Consumer<StreamExecutionEnvironment> build) throws Exception {
    Configuration settings = new Configuration(flink);
    settings.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
    settings.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, savepoints.toUri().toString());
    settings.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    Optional<Path> restore = newestState(checkpoints, savepoints);
    restore.ifPresent(path -> settings.set(StateRecoveryOptions.SAVEPOINT_PATH, path.toUri().toString()));
    LOG.info("stream job: {}", restore.map(path -> "restoring " + path).orElse("starting without earlier state"));
    StreamExecutionEnvironment env = cluster == null
        ? StreamExecutionEnvironment.getExecutionEnvironment(settings)
        : StreamExecutionEnvironment.createRemoteEnvironment(cluster.restUrl().getHost(), cluster.port(), settings,
            cluster.jobJar().toString());
    build.accept(env);
    return new RunningJob(env.executeAsync(name), savepoints);
  }

  /**
   * The newest complete savepoint or checkpoint (a directory with a {@code _metadata} file)
   * under any of the folders, or empty.
   */
  public static Optional<Path> newestState(Path... folders) {
    return Stream.of(folders)
        .filter(Files::isDirectory)
        .flatMap(RunningJob::metadataFiles)
        .max(Comparator.comparing(RunningJob::modified))
        .map(Path::getParent);
  }

  private static Stream<Path> metadataFiles(Path folder) {
    try (Stream<Path> files = Files.find(folder, 3, (path, attributes) ->
        attributes.isRegularFile() && path.getFileName().toString().equals("_metadata"))) {
      return files.toList().stream();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot look for job state in " + folder, e);
    }
  }

  private static FileTime modified(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  public JobClient client() {
    return client;
  }

  /**
   * Stops the job with a savepoint and returns its path; the job's state then survives in the
   * data directory.
   */
  public String stop(Duration timeout) throws ExecutionException, InterruptedException, TimeoutException {
    String path = client.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    stopped = true;
    LOG.info("stream job stopped with savepoint {}", path);
    return path;
  }

  /**
   * Cancels the job unless {@link #stop} ended it (the newest retained checkpoint remains); its
   * MiniCluster shuts down with it.
   */
  @Override
  public void close() {
    if (stopped) {
      return;
    }
    try {
      if (!client.getJobStatus().get(5, TimeUnit.SECONDS).isTerminalState()) {
        client.cancel().get(30, TimeUnit.SECONDS);
      }
    } catch (ExecutionException | TimeoutException | IllegalStateException e) {
      // IllegalStateException: the MiniCluster is already gone with the job
      LOG.warn("stream job: cancel failed: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
