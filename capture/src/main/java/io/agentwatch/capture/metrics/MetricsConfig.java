package io.agentwatch.capture.metrics;

import java.net.InetSocketAddress;

/**
 * Where the metrics endpoint listens.
 *
 * @param host address to bind; loopback by default, so only a scraper on this machine (a Prometheus
 *     agent, an OpenTelemetry collector) reaches it. {@code 0.0.0.0} or {@code ::} opens it to the
 *     network: the endpoint has no authentication
 * @param port TCP port; 0 picks a free one (tests), see {@link MetricsServer#port()}
 */
public record MetricsConfig(String host, int port) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 9464;

  public static MetricsConfig defaults() {
    return new MetricsConfig(DEFAULT_HOST, DEFAULT_PORT);
  }

  /** @throws IllegalArgumentException naming the bad setting */
  public MetricsConfig validate() {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("metrics.host: missing; expected an address such as " + DEFAULT_HOST);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("metrics.port: must be 0..65535, was " + port);
    }
    return this;
  }

  /** The socket address to bind. @throws IllegalArgumentException if the host does not resolve */
  public InetSocketAddress socketAddress() {
    validate();
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("metrics.host: '" + host + "' does not resolve to an address");
    }
    return address;
  }
}
