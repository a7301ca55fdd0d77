package io.agentwatch.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Where a one-machine stack keeps everything: {@code clickhouse/} (the embedded store),
 * {@code kafka/} (the broker's log), {@code checkpoints/} and {@code savepoints/} (the job's
 * state), and
 * {@code server.json}, which tells the command line that a stack runs here and where its HTTP API
 * is. One process owns a data directory at a time ({@link #lock()}).
 */
public final class DataDirectory {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SERVER_FILE = "server.json";
  private static final String LOCK_FILE = "lock";

  /** What a running stack writes into {@code server.json}. */
  public record RunningStack(long pid, String apiUrl, Instant started) {}

  private final Path path;

  public DataDirectory(Path path) {
    this.path = path.toAbsolutePath().normalize();
  }

  /**
   * The default: {@code $XDG_DATA_HOME/agentwatch}, else {@code ~/.local/share/agentwatch}, as
   * the XDG base directory specification places user data.
   */
  public static DataDirectory defaultLocation(Map<String, String> environment) {
    String xdg = environment.get("XDG_DATA_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local", "share");
    return new DataDirectory(base.resolve("agentwatch"));
  }

  public Path path() {
    return path;
  }

  public Path clickhouse() {
    return path.resolve("clickhouse");
  }

  public Path kafka() {
    return path.resolve("kafka");
  }

  public Path checkpoints() {
    return path.resolve("checkpoints");
  }

  public Path savepoints() {
    return path.resolve("savepoints");
  }

  /** Whether a store was ever written here. */
  public boolean hasStore() {
    return Files.isDirectory(clickhouse());
  }

  /**
   * Takes the directory for this process until the lock is closed.
   *
   * @throws IllegalStateException naming the process that holds it
   */
  public Lock lock() {
    try {
      Files.createDirectories(path);
      FileChannel channel = FileChannel.open(path.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        channel.close();
        String holder = runningStack().map(stack -> "process " + stack.pid() + " (started " + stack.started() + ", API " + stack.apiUrl() + ")")
            .orElse("another process");
        throw new IllegalStateException(path + " is in use by " + holder + "; stop it first, or give another --data-dir");
      }
      return new Lock(channel, lock);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + path, e);
    }
  }

  /** Announces the running stack; removed again by {@link Lock#close()}. */
  public void announce(RunningStack stack) {
    try {
      Path temporary = path.resolve(SERVER_FILE + ".tmp");
      JSON.writeValue(temporary.toFile(), Map.of("pid", stack.pid(), "api", stack.apiUrl(), "started", stack.started().toString()));
      Files.move(temporary, path.resolve(SERVER_FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path.resolve(SERVER_FILE), e);
    }
  }

  /** The stack that announced itself here, if its process is still alive. */
  public Optional<RunningStack> runningStack() {
    Path file = path.resolve(SERVER_FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      JsonNode node = JSON.readTree(file.toFile());
      RunningStack stack = new RunningStack(node.path("pid").asLong(), node.path("api").asText(), Instant.parse(node.path("started").asText()));
      return ProcessHandle.of(stack.pid()).filter(ProcessHandle::isAlive).map(process -> stack);
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // half-written or stale: as if no stack ran
    }
  }

  @Override
  public String toString() {
    return path.toString();
  }

  /** Ownership of a data directory; closing it withdraws the announcement and releases the lock. */
  public final class Lock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private Lock(FileChannel channel, FileLock lock) {
      this.channel = channel;
      this.lock = lock;
    }

    @Override
    public void close() {
      try {
        Files.deleteIfExists(path.resolve(SERVER_FILE));
        lock.release();
        channel.close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot release " + path, e);
      }
    }
  }
}
