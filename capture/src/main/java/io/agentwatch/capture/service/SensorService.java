package io.agentwatch.capture.service;

import io.agentwatch.capture.Sensor;
import io.agentwatch.capture.SensorConfig;
import io.agentwatch.capture.SensorStats;
import io.agentwatch.capture.SensorWarmUp;
import io.agentwatch.capture.catalog.CatalogSubscriber;
import io.agentwatch.capture.catalog.CatalogTopic;
import io.agentwatch.capture.export.ExportScope;
import io.agentwatch.capture.export.FlowSink;
import io.agentwatch.config.ConfigException;
import io.agentwatch.capture.export.SpoolingKafkaExporter;
import io.agentwatch.capture.host.HostAttribution;
import io.agentwatch.capture.host.HostInventory;
import io.agentwatch.capture.host.Pseudonymizer;
import io.agentwatch.capture.identify.CurrentCatalog;
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
import io.agentwatch.schema.HostTrafficMinute;
import io.agentwatch.schema.SingleObjectCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
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
  /** How long the start waits for the catalog topic's newest catalog, so the first records use it. */
  private static final Duration CATALOG_WAIT = Duration.ofSeconds(10);

  private final SensorServiceConfig config;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final CountDownLatch capturing = new CountDownLatch(1);
  private DiskSpool spool;
  private SpoolingKafkaExporter exporter;
  private volatile PacketSource source;
  private Sensor sensor;
  private MetricsServer metrics;
  private HostInventory inventory;
  private CatalogSubscriber catalogSubscriber;
  private volatile boolean stopping;
  /** Why the broker refused the sensor's login while it ran, or null. */
  private volatile String loginRefused;

  public SensorService(SensorServiceConfig config) {
    this.config = config;
  }

  /**
   * Starts everything and captures until the input ends or {@link #stop} is called.
   *
   * @throws CaptureException when the interfaces or the file cannot be read
   * @throws KafkaRejectedException when the broker rejects the sensor's credentials, at start or
   *     later (the capture stops; the records stay in the spool)
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
    KafkaProbe.check(config.kafka(), config.scope() == ExportScope.AI
        ? List.of(config.kafka().topic(), config.kafka().hostTrafficTopic()) : List.of(config.kafka().topic()),
        spool.directory());
    // A login the broker refuses later (the probe may not have had an answer in time) ends the run too.
    exporter = new SpoolingKafkaExporter(config.kafka(), spool,
        SpoolingKafkaExporter.Settings.defaults().withFlushTimeout(config.flushTimeout()), reason -> {
          loginRefused = reason;
          stop();
        });
    CurrentCatalog catalog = new CurrentCatalog(
        config.catalogs().isEmpty() ? EndpointCatalog.builtin() : EndpointCatalog.builtinWith(config.catalogs()));
    followCatalogTopic(catalog);
    SensorConfig sensorConfig = SensorConfig.defaults(config.sensorId())
        .withFlowTable(config.flows())
        .withCatalog(catalog)
        .withHosts(hosts())
        .withScope(config.scope())
        .withLastSequence(spool.lastSequence());
    sensor = new Sensor(sensorConfig, exporter);
    source = openSource();
    startMetrics();
    if (config.live() != null && config.warmUp()) {
      // Records of the synthetic traffic are encoded like real ones, then dropped: never spooled or sent.
      LOG.info("{} opened; warming up the packet path before capturing", source.name());
      LOG.info("warm-up: {}", SensorWarmUp.run(sensorConfig, new EncodeAndDrop(), SensorWarmUp.DEFAULT_LIMIT, () -> stopping));
    }
    if (stopping) {
      throwIfLoginRefused();
      return sensor.stats();
    }
    LOG.info("sensor '{}' capturing from {}; {} to Kafka topic '{}'{} at {} through the spool {} "
            + "(first sequence number {})", config.sensorId(), source.name(),
        config.scope() == ExportScope.AI ? "flow records of AI endpoints" : "a flow record of every flow",
        config.kafka().topic(),
        config.scope() == ExportScope.AI ? ", other traffic as per-host minute totals to '" + config.kafka().hostTrafficTopic() + "'" : "",
        config.kafka().bootstrapServers(), spool.directory(), spool.lastSequence() + 1);
    capturing.countDown();
    SensorStats stats = sensor.run(source);
    throwIfLoginRefused();
    LOG.info("capture from {} ended: {} packets read, {} flow records, {} per-host minute totals, {} flows evicted early",
        source.name(), stats.packetsRead(), stats.recordsExported(), sensor.hostTrafficSent(), stats.flowsEvicted());
    return stats;
  }

  /**
   * With {@code catalog.topic}: a subscriber replaces the catalog whenever a new version is
   * published; the start waits a little for the topic's newest one, so the first records use it.
   */
  private void followCatalogTopic(CurrentCatalog catalog) {
    if (config.catalogTopic() == null) {
      LOG.info("endpoint catalog: version {} (catalog.topic is off: built-in catalog and catalog.files only)",
          catalog.get().version());
      return;
    }
    catalogSubscriber = CatalogSubscriber.start(
        new CatalogTopic(config.kafka().bootstrapServers(), config.catalogTopic(), config.kafka().clientProperties()), catalog);
    try {
      if (!catalogSubscriber.awaitCaughtUp(CATALOG_WAIT)) {
        LOG.warn("endpoint catalog: topic '{}' not read within {} s; capturing with version {} meanwhile",
            config.catalogTopic(), CATALOG_WAIT.toSeconds(), catalog.get().version());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void throwIfLoginRefused() {
    if (loginRefused != null) {
      throw new KafkaRejectedException(loginRefused, null);
    }
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
    if (catalogSubscriber != null) {
      catalogSubscriber.close();
    }
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

  /** The warm-up's sink: encodes like the real one, then drops; nothing is spooled or sent. */
  private static final class EncodeAndDrop implements FlowSink {
    private final SingleObjectCodec<FlowRecord> flows = SingleObjectCodec.flowRecords();
    private final SingleObjectCodec<HostTrafficMinute> hostTraffic = SingleObjectCodec.hostTrafficMinutes();

    @Override
    public void accept(FlowRecord record) {
      flows.encode(record);
    }

    @Override
    public void acceptHostTraffic(HostTrafficMinute totals) {
      hostTraffic.encode(totals);
    }
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
    if (catalogSubscriber != null) {
      CatalogSubscriber catalog = catalogSubscriber;
      metrics.addSource(out -> out
              .counter("agentwatch_catalog_updates_total", "New endpoint catalog versions taken from the catalog topic.", catalog.applied())
              .counter("agentwatch_catalog_refused_total", "Publications on the catalog topic refused (the catalog in use stayed).",
                  catalog.refused()))
          .addHealthCheck(() -> catalog.lastRefusal() == null ? Health.ok("endpoint catalog: following " + config.catalogTopic())
              : Health.degraded("endpoint catalog refused (" + catalog.lastRefusal() + "); the previous version is in use"));
    }
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
