package io.agentwatch.capture.identify;

import java.util.Locale;

/**
 * The result of one catalog lookup, reused from lookup to lookup so a lookup allocates nothing:
 * the entry that matched and, for a service that keeps it, where in the name the wildcard's text
 * (a region, tenant or resource name) lies. Not thread-safe: one per identifying thread.
 */
public final class CatalogHit {

  private EndpointMatch match;
  int depth;
  private int resourceFrom = -1;
  private int resourceTo = -1;

  void clear() {
    set(null, 0, -1, -1);
  }

  void set(EndpointMatch match, int depth, int resourceFrom, int resourceTo) {
    this.match = match;
    this.depth = depth;
    this.resourceFrom = resourceFrom;
    this.resourceTo = resourceTo;
  }

  /** The vendor and service, or null when nothing matched. */
  public EndpointMatch match() {
    return match;
  }

  /**
   * The resource name the matched pattern's wildcard covered in {@code name} (the name that was
   * looked up), lower-cased; null when nothing matched or the service keeps no resource.
   */
  public String resource(String name) {
    return resourceFrom < 0 ? null : name.substring(resourceFrom, resourceTo).toLowerCase(Locale.ROOT);
  }
}
