package io.agentwatch.capture.service;

import io.agentwatch.capture.Sensor;
import io.agentwatch.capture.SensorConfig;
import io.agentwatch.capture.SensorStats;
import io.agentwatch.capture.SensorWarmUp;
import io.agentwatch.config.ConfigException;
import io.agentwatch.capture.export.SpoolingKafkaExporter;
import io.agentwatch.capture.host.HostAttribution;
import io.agentwatch.capture.host.HostInventory;
import io.agentwatch.capture.host.Pseudonymizer;
import io.agentwatch.capture.identify.EndpointCatalog;
import io.agentwatch.capture.metrics.Health;
import io.agentwatch.capture.metrics.MetricsConfig;
import io.agentwatch.capture.metrics.MetricsServer;
import io.agentwatch.capture.metrics.SensorMetrics;
import io.agentwatch.capture.source.CaptureException;
import io.agentwatch.capture.source.DirectFileSource;
import io.agentwatch.capture.source.LiveCaptureSource;
import io.agentwatch.capture.source.PacketSource;
import io.agentwatch.capture.source.ReplaySource;
import io.agentwatch.capture.spool.DiskSpool;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.SingleObjectCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code agentwatch sensor}: live capture (or a replayed file) → flows → the on-disk spool →
 * Kafka, with a metrics and health endpoint. {@link #run} blocks until the file ends or {@link
 * #stop} is called (SIGTERM); either way the flow table is flushed into the spool and the spool to
 * Kafka (for at most the flush timeout — the rest stays on disk for the next start).
 */
public final class SensorService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SensorService.class);
  private static final long SPOOL_SEGMENT_BYTES = 16L << 20;

  private final SensorServiceConfig config;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final CountDownLatch capturing = new CountDownLatch(1);
  private DiskSpool spool;
  private SpoolingKafkaExporter exporter;
  private volatile PacketSource source;
  private Sensor sensor;
  private MetricsServer metrics;
  private HostInventory inventory;
  private volatile boolean stopping;

  public SensorService(SensorServiceConfig config) {
    this.config = config;
  }

  /**
   * Starts everything and captures until the input ends or {@link #stop} is called.
   *
   * @throws CaptureException when the interfaces or the file cannot be read
   * @throws KafkaRejectedException when the broker rejects the sensor's credentials at start
   * @throws ConfigException when the spool directory cannot be created, read or written
   */
  public SensorStats run() throws CaptureException {
    try {
      spool = DiskSpool.open(config.spoolDirectory(), config.spoolMaxBytes(), SPOOL_SEGMENT_BYTES);
    } catch (UncheckedIOException e) {
      Throwable reason = e.getCause() == null ? e : e.getCause();
      throw new ConfigException("spool.directory: " + config.spoolDirectory() + " cannot be used ("
          + reason.getClass().getSimpleName() + ": " + reason.getMessage() + ")");
    }
    KafkaProbe.check(config.kafka(), spool.directory());
    exporter = new SpoolingKafkaExporter(config.kafka(), spool,
        SpoolingKafkaExporter.Settings.defaults().withFlushTimeout(config.flushTimeout()));
    SensorConfig sensorConfig = SensorConfig.defaults(config.sensorId())
        .withFlowTable(config.flows())
        .withCatalog(config.catalogs().isEmpty() ? EndpointCatalog.builtin() : EndpointCatalog.builtinWith(config.catalogs()))
        .withHosts(hosts())
        .withLastSequence(spool.lastSequence());
    sensor = new Sensor(sensorConfig, exporter);
    source = openSource();
    startMetrics();
    if (config.live() != null && config.warmUp()) {
      // Records of the synthetic traffic are encoded like real ones, then dropped: never spooled or sent.
      SingleObjectCodec<FlowRecord> codec = SingleObjectCodec.flowRecords();
      LOG.info("{} opened; warming up the packet path before capturing", source.name());
      LOG.info("warm-up: {}", SensorWarmUp.run(sensorConfig, codec::encode, SensorWarmUp.DEFAULT_LIMIT, () -> stopping));
    }
    if (stopping) {
      return sensor.stats();
    }
    LOG.info("sensor '{}' capturing from {}; flow records to Kafka topic '{}' at {} through the spool {} "
            + "(first sequence number {})", config.sensorId(), source.name(), config.kafka().topic(),
        config.kafka().bootstrapServers(), spool.directory(), spool.lastSequence() + 1);
    capturing.countDown();
    SensorStats stats = sensor.run(source);
    LOG.info("capture from {} ended: {} packets read, {} flow records, {} flows evicted early",
        source.name(), stats.packetsRead(), stats.recordsExported(), stats.flowsEvicted());
    return stats;
  }

  /** Ends {@link #run} soon: stops the capture; {@link #run} then flushes. Safe from any thread. */
  public void stop() {
    stopping = true;
    PacketSource running = source;
    if (running instanceof LiveCaptureSource live) {
      live.stop();
    } else if (running instanceof ReplaySource replay) {
      replay.stop();
    }
  }

  /** Waits until {@link #run} starts reading packets (after the warm-up); false on timeout. */
  public boolean awaitCapturing(long timeout, TimeUnit unit) throws InterruptedException {
    return capturing.await(timeout, unit);
  }

  /** Waits until {@link #close} has finished (for a shutdown hook); false on timeout. */
  public boolean awaitClosed(long timeout, TimeUnit unit) throws InterruptedException {
    return closed.await(timeout, unit);
  }

  /** The metrics endpoint's address, when it is on. */
  public Optional<java.net.InetSocketAddress> metricsAddress() {
    return metrics == null ? Optional.empty() : Optional.of(metrics.address());
  }

  public Optional<SpoolingKafkaExporter.DeliveryStats> delivery() {
    return exporter == null ? Optional.empty() : Optional.of(exporter.stats());
  }

  @Override
  public void close() {
    if (exporter != null) {
      exporter.close();
    } else if (spool != null) {
      spool.close();
    }
    if (source != null) {
      source.close();
    }
    if (metrics != null) {
      metrics.close();
    }
    closed.countDown();
  }

  private PacketSource openSource() throws CaptureException {
    if (config.live() != null) {
      // Held closed during the warm-up: its seconds neither fill the kernel buffer nor count as drops.
      return config.warmUp() ? LiveCaptureSource.openHeld(config.live()) : LiveCaptureSource.open(config.live());
    }
    return new ReplaySource(DirectFileSource.open(config.read()), config.replayAtRecordedSpeed());
  }

  private HostAttribution hosts() {
    SensorServiceConfig.Hosts hosts = config.hosts();
    if (hosts.inventory() != null) {
      inventory = HostInventory.load(hosts.inventory(), hosts.inventoryCheckInterval());
    }
    HostAttribution attribution = hosts.mode() == SensorServiceConfig.HostMode.ENDPOINT
        ? HostAttribution.endpoint(hosts.name())
        : inventory == null ? HostAttribution.initiatorAddress() : HostAttribution.network(inventory);
    return hosts.pseudonymKey() == null ? attribution
        : HostAttribution.pseudonymized(attribution, new Pseudonymizer(hosts.pseudonymKey()));
  }

  private void startMetrics() {
    if (config.metricsAddress() == null) {
      return;
    }
    DeliveryMetrics delivery = new DeliveryMetrics(exporter::stats);
    metrics = new MetricsServer(new MetricsConfig(config.metricsAddress().getHostString(), config.metricsAddress().getPort()))
        .addSource(new SensorMetrics(sensor::stats, source::counters))
        .addSource(delivery)
        .addHealthCheck(delivery);
    if (inventory != null) {
      HostInventory hosts = inventory;
      metrics.addSource(out -> out.gauge("agentwatch_host_inventory_entries", "Addresses the host inventory names.", hosts.size()))
          .addHealthCheck(() -> hosts.reloadProblem()
              .map(problem -> Health.degraded("host inventory " + hosts.file() + " not reloaded (" + problem
                  + "); the previous version is in use"))
              .orElse(Health.ok("host inventory: " + hosts.size() + " entries")));
    }
    try {
      metrics.start();
      LOG.info("metrics on http://{}:{}/metrics, health on /health", metrics.address().getHostString(), metrics.port());
    } catch (IOException e) {
      throw new UncheckedIOException("metrics.listen: cannot listen on " + config.metricsAddress() + ": " + e.getMessage(), e);
    }
  }
}
