package io.agentwatch.cli;

import io.agentwatch.capture.Sensor;
import io.agentwatch.capture.SensorStats;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** One-line summaries of what a run did, and a live progress line, for stderr. */
final class Summaries {

  private Summaries() {}

  static String of(Path capture, SensorStats stats) {
    return of(String.valueOf(capture.getFileName()), stats);
  }

  /**
   * "tls.pcap: 26 packets read, 26 in flows, 0 skipped (0 malformed); 1 flows, 1 flow records,
   * 0 evicted; 0.01 s, 2600 packets/s", plus skip reasons and libpcap's counters when there are any.
   */
  static String of(String source, SensorStats stats) {
    StringBuilder line = new StringBuilder()
        .append(source).append(": ")
        .append(stats.packetsRead()).append(" packets read, ")
        .append(stats.packetsDecoded()).append(" in flows, ")
        .append(stats.packetsSkipped()).append(" skipped");
    if (!stats.packetsSkippedByReason().isEmpty()) {
      line.append(' ').append(stats.packetsSkippedByReason());
    }
    line.append(" (").append(stats.packetsMalformed()).append(" malformed)");
    line.append("; ").append(stats.flowsCreated()).append(" flows, ")
        .append(stats.recordsExported()).append(" flow records, ")
        .append(stats.flowsEvicted()).append(" evicted");
    line.append(String.format(Locale.ROOT, "; %.2f s, %.0f packets/s", stats.elapsedNanos() / 1e9, stats.packetsPerSecond()));
    if (stats.capture().received() > 0 || stats.capture().dropped() > 0) {
      line.append("; libpcap received ").append(stats.capture().received())
          .append(", dropped ").append(stats.capture().dropped())
          .append(", dropped by interface ").append(stats.capture().droppedByInterface());
    }
    return line.toString();
  }

  /**
   * Rewrites one line on stderr about once a second while the sensor runs ("\r" and padding, no
   * scrolling), from its own daemon thread so the packet loop pays nothing. Silent unless stderr
   * is a terminal, so logs and pipes never see it.
   */
  static final class ProgressLine implements AutoCloseable {
    private final Thread thread;
    private final PrintWriter err;
    private volatile boolean done;
    private boolean printed;

    private ProgressLine(String source, Sensor sensor, PrintWriter err) {
      this.err = err;
      this.thread = new Thread(() -> loop(source, sensor), "progress");
      thread.setDaemon(true);
    }

    static ProgressLine startIfTerminal(String source, Sensor sensor, PrintWriter err) {
      ProgressLine progress = new ProgressLine(source, sensor, err);
      if (stderrIsTerminal()) {
        progress.thread.start();
      }
      return progress;
    }

    private void loop(String source, Sensor sensor) {
      long lastPackets = 0;
      long lastNanos = System.nanoTime();
      while (!sleptUntilDone()) {
        SensorStats stats = sensor.stats();
        long now = System.nanoTime();
        double rate = (stats.packetsRead() - lastPackets) * 1e9 / Math.max(1, now - lastNanos);
        lastPackets = stats.packetsRead();
        lastNanos = now;
        synchronized (this) {
          if (done) {
            return;
          }
          err.print(String.format(Locale.ROOT, "\r%s: %,d packets, %,.0f packets/s, %,d flows open, %,d records   ",
              source, stats.packetsRead(), rate, stats.flowsOpen(), stats.recordsExported()));
          err.flush();
          printed = true;
        }
      }
    }

    private boolean sleptUntilDone() {
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        return true;
      }
      return done;
    }

    /** Stops and wipes the line, so the summary that follows starts clean. */
    @Override
    public synchronized void close() {
      done = true;
      thread.interrupt();
      if (printed) {
        err.print("\r\033[K");
        err.flush();
      }
    }

    /** isatty(2) without native code: on Linux fd 2 links to a tty device when it is a terminal. */
    static boolean stderrIsTerminal() {
      Path fd2 = Path.of("/proc/self/fd/2");
      if (Files.exists(fd2)) {
        try {
          String target = Files.readSymbolicLink(fd2).toString();
          return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (java.io.IOException | UnsupportedOperationException e) {
          return false;
        }
      }
      return System.console() != null;
    }
  }
}
