package io.agentwatch.capture.identify;

/**
 * The endpoint catalog a running sensor identifies flows with, replaced as a whole when a new
 * version arrives (from the catalog topic) while the sensor's thread keeps working: one volatile
 * reference, read once per flow record, so a record is identified by one catalog and names its
 * version, and the packet path pays nothing.
 */
public final class CurrentCatalog {

  private volatile EndpointCatalog catalog;

  public CurrentCatalog(EndpointCatalog catalog) {
    this.catalog = require(catalog);
  }

  /** A catalog that is never replaced. */
  public static CurrentCatalog fixed(EndpointCatalog catalog) {
    return new CurrentCatalog(catalog);
  }

  public EndpointCatalog get() {
    return catalog;
  }

  /** Makes {@code next} the catalog of every record built from now on. */
  public void replace(EndpointCatalog next) {
    catalog = require(next);
  }

  private static EndpointCatalog require(EndpointCatalog catalog) {
    if (catalog == null) {
      throw new IllegalArgumentException("sensor: catalog is missing");
    }
    return catalog;
  }
}
