package io.agentwatch.delivery.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The (alert id, version) keys one receiver has been given (or that were set aside for it), one a
 * line in a file, so a restarted delivery does not send them again when Kafka hands it alerts whose
 * offsets it had not committed. Bounded: the newest {@code capacity} keys are kept (the file is
 * rewritten with them when it holds twice as many); an alert older than that is long committed.
 */
public final class DeliveredKeys implements AutoCloseable {

  private final Path file;
  private final int capacity;
  private final LinkedHashSet<String> keys = new LinkedHashSet<>();
  private FileChannel out;
  private int lines;

  public DeliveredKeys(Path file, int capacity) {
    this.file = file;
    this.capacity = capacity;
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      if (Files.exists(file)) {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          if (!line.isEmpty()) {
            keys.add(line);
            lines++;
          }
        }
        trim();
      }
      out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the delivered keys in " + file + ": " + e.getMessage(), e);
    }
  }

  public synchronized boolean contains(String key) {
    return keys.contains(key);
  }

  /** Records a key durably (written and forced to disk) before the caller goes on. */
  public synchronized void add(String key) {
    if (!keys.add(key)) {
      return;
    }
    try {
      out.write(java.nio.ByteBuffer.wrap((key + "\n").getBytes(StandardCharsets.UTF_8)));
      out.force(false);
      trim();
      if (++lines > 2L * capacity) {
        rewrite();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record delivered key " + key + " in " + file + ": " + e.getMessage(), e);
    }
  }

  public synchronized int size() {
    return keys.size();
  }

  private void trim() {
    for (Iterator<String> oldest = keys.iterator(); keys.size() > capacity; ) {
      oldest.next();
      oldest.remove();
    }
  }

  /** The kept keys to a new file that replaces the old one at once, so a crash leaves one or the other. */
  private void rewrite() throws IOException {
    Path next = file.resolveSibling(file.getFileName() + ".new");
    List<String> kept = new ArrayList<>(keys);
    Files.write(next, kept, StandardCharsets.UTF_8);
    try (FileChannel channel = FileChannel.open(next, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
    out.close();
    Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    out = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    lines = kept.size();
  }

  @Override
  public synchronized void close() {
    try {
      out.close();
    } catch (IOException e) {
      // nothing left to write: every add forced its line
    }
  }
}
