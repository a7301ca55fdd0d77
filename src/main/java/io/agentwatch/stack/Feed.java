package io.agentwatch.stack;

import io.agentwatch.capture.Sensor;
import io.agentwatch.capture.SensorConfig;
import io.agentwatch.capture.SensorStats;
import io.agentwatch.capture.export.FlowSink;
import io.agentwatch.capture.source.CaptureException;
import io.agentwatch.capture.source.PacketSource;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One source of flow records for a running stack: an in-process sensor over a live interface, a
 * replayed file or the demo fleet, on a thread of its own, producing into the stack's broker like
 * a remote sensor would. {@link #stop()} ends the capture; the sensor then exports its open flows.
 */
public final class Feed implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Feed.class);

  /** Opens the packets of one round; {@code null} when the feed has nothing more to give. */
  @FunctionalInterface
  public interface Rounds {
    PacketSource next() throws CaptureException;
  }

  private final String name;
  private final Thread thread;
  private volatile boolean stopped;
  private volatile PacketSource current;
  private volatile SensorStats lastStats;

  private Feed(String name, SensorConfig sensor, Supplier<FlowSink> sink, Rounds rounds) {
    this.name = name;
    this.thread = new Thread(() -> run(sensor, sink, rounds), "feed-" + name);
  }

  /** Starts a feed that runs the sensor over each source {@code rounds} opens, until it gives null or stop(). */
  public static Feed start(String name, SensorConfig sensor, Supplier<FlowSink> sink, Rounds rounds) {
    Feed feed = new Feed(name, sensor, sink, rounds);
    feed.thread.start();
    return feed;
  }

  public String name() {
    return name;
  }

  /** The statistics of the round running now or the last one. */
  public SensorStats stats() {
    return lastStats;
  }

  private void run(SensorConfig config, Supplier<FlowSink> sinks, Rounds rounds) {
    long lastSequence = config.lastSequence();
    try (FlowSink sink = sinks.get()) {
      while (!stopped) {
        PacketSource source = rounds.next();
        if (source == null) {
          break;
        }
        current = source;
        if (stopped) {
          source.close();
          break;
        }
        Sensor sensor = new Sensor(config.withLastSequence(lastSequence), sink);
        try (source) {
          lastStats = sensor.run(source);
        }
        lastSequence = sensor.lastSequence();
        LOG.info("feed {}: {} packets, {} flow records", name, lastStats.packetsRead(), lastStats.recordsExported());
      }
    } catch (CaptureException | RuntimeException e) {
      LOG.error("feed {} stopped: {}", name, e.getMessage());
    }
  }

  /** Ends the capture; the open flows are exported before the feed's thread ends. */
  public void stop() {
    stopped = true;
    PacketSource source = current;
    if (source != null) {
      source.stop();
    }
  }

  /** Stops and waits until the feed's records are handed to the broker. */
  @Override
  public void close() {
    stop();
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
