package io.agentwatch.delivery.ledger;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentwatch.delivery.alert.Alert;
import io.agentwatch.delivery.format.AlertJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * Alerts a receiver did not accept after every attempt, one JSON object a line: when, which
 * receiver, how many attempts, the last error and the whole alert, so they can be read, fixed and
 * sent again by hand.
 */
public final class DeadLetters {

  private final Path file;

  public DeadLetters(Path file) {
    this.file = file;
  }

  public Path file() {
    return file;
  }

  public synchronized void add(Instant time, String receiver, Alert alert, int attempts, String lastError) {
    ObjectNode line = JsonNodeFactory.instance.objectNode();
    line.put("time", time.toString());
    line.put("receiver", receiver);
    line.put("key", alert.deliveryKey());
    line.put("attempts", attempts);
    line.put("error", lastError);
    line.set("alert", AlertJson.of(alert));
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
        out.write(ByteBuffer.wrap((AlertJson.text(line) + "\n").getBytes(StandardCharsets.UTF_8)));
        out.force(false);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the dead letter of " + alert.deliveryKey() + " to " + file + ": " + e.getMessage(), e);
    }
  }
}
