package io.agentwatch.stack;

import io.agentwatch.capture.identify.EndpointCatalog;
import io.agentwatch.capture.identify.EndpointCatalogFile;
import io.agentwatch.jobs.detect.DetectionConfig;
import io.agentwatch.jobs.detect.Policy;
import io.agentwatch.store.ClickHouseStore;
import io.agentwatch.store.StoreException;
import io.agentwatch.store.VendorRows;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fills the store's {@code vendors} table from the endpoint catalog the stack's sensors identify
 * with: each service with the answers of its data facts (the service's own, else its vendor's).
 */
public final class VendorCatalogTable {

  private VendorCatalogTable() {}

  /** Replaces the table's content with every vendor × service of {@code catalog}; returns the row count. */
  public static int fill(ClickHouseStore store, EndpointCatalog catalog) throws StoreException {
    return fill(store, catalog, null);
  }

  /**
   * As {@link #fill(ClickHouseStore, EndpointCatalog)}, with each service's policy tag from the
   * detectors' policy ({@code detect.policy.vendors}, the same lookup the detectors make) where
   * it names the service or its vendor, so the exposure score and the alerts agree; a service the
   * policy does not name keeps the tag the table holds.
   *
   * @param detection the job's detection settings; null when detection is off
   */
  public static int fill(ClickHouseStore store, EndpointCatalog catalog, DetectionConfig detection) throws StoreException {
    Policy policy = detection == null ? null : detection.policy();
    List<VendorRows.Entry> entries = new ArrayList<>();
    for (EndpointCatalogFile file : catalog.files()) {
      for (EndpointCatalogFile.Vendor vendor : file.vendors()) {
        for (EndpointCatalogFile.Service service : vendor.services()) {
          String tag = policy == null ? null : policy.tag("", vendor.id(), service.id());
          entries.add(new VendorRows.Entry(vendor.id(), service.id(), vendor.name(), service.category(), facts(vendor, service),
              Policy.UNREVIEWED.equals(tag) ? null : tag));
        }
      }
    }
    return VendorRows.replace(store, entries);
  }

  static VendorRows.Facts facts(EndpointCatalogFile.Vendor vendor, EndpointCatalogFile.Service service) {
    Map<String, EndpointCatalogFile.Fact> facts = vendor.factsOf(service);
    return new VendorRows.Facts(
        answer(facts, service.trainingFact()),
        answer(facts, EndpointCatalogFile.RETENTION),
        answer(facts, EndpointCatalogFile.PROCESSING_REGIONS),
        answer(facts, EndpointCatalogFile.CERTIFICATIONS),
        answer(facts, EndpointCatalogFile.ZERO_RETENTION_OFFER));
  }

  private static String answer(Map<String, EndpointCatalogFile.Fact> facts, String fact) {
    EndpointCatalogFile.Fact stated = facts.get(fact);
    return stated == null ? VendorRows.UNKNOWN : stated.answer();
  }
}
