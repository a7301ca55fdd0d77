package io.agentwatch.cli;

import io.agentwatch.capture.identify.EndpointCatalog;
import io.agentwatch.schema.FlowRecord;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * Does the slow one-time initialisation every command needs on a second thread while the main
 * thread builds the command line: configuring log4j (about 0.19 s), parsing the flow record's Avro
 * schema and the built-in endpoint catalog. Whoever needs one of them first waits for it (class
 * initialisation and the catalog's memo are thread-safe); the main thread would otherwise do all of
 * it in turn, which was a third of `flows` on a small capture. Failures are left to the main
 * thread, which meets them again and reports them properly.
 */
final class StartupWarmUp {

  private final CountDownLatch loggingReady = new CountDownLatch(1);

  private StartupWarmUp() {}

  static StartupWarmUp start() {
    StartupWarmUp warmUp = new StartupWarmUp();
    daemon(warmUp::loggingAndSchema, "startup-warm-up");
    // A thread of its own: parsing the catalog's YAML logs nothing, so it cannot race the
    // configuration of log4j (see awaitLogging).
    daemon(StartupWarmUp::catalog, "startup-warm-up-catalog");
    return warmUp;
  }

  private static void daemon(Runnable task, String name) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Waits until log4j is configured. A logger asked for while another thread configures log4j
   * works at once but drops INFO messages until the configuration is in place, so the command
   * waits here before it runs (and may log).
   */
  void awaitLogging() {
    try {
      loggingReady.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void loggingAndSchema() {
    try {
      LoggerFactory.getLogger(AgentWatch.class);
    } catch (RuntimeException | LinkageError e) {
      // reported by the main thread when it gets there
    } finally {
      loggingReady.countDown();
    }
    try {
      FlowRecord.getClassSchema(); // after log4j: Avro's Schema asks for a logger
    } catch (RuntimeException | LinkageError e) {
      // reported by the main thread when it gets there
    }
  }

  private static void catalog() {
    try {
      EndpointCatalog.builtin();
    } catch (RuntimeException | LinkageError e) {
      // reported by the main thread when it gets there
    }
  }
}
