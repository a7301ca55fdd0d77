package io.agentwatch.store;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code vendors} table (sql/migrations/011_vendors.sql, 050_vendor_facts.sql): the endpoint
 * catalog, one row per vendor × service, with what the vendor states about the data sent to it.
 * The store does not read catalogs; whoever holds one (the stack) passes its entries to
 * {@link #replace}. On a cluster ({@code store.cluster}) the rows are read and written through the
 * Distributed table and emptied on every node's local table.
 */
public final class VendorRows {

  public static final String TABLE = "vendors";

  public static final List<String> COLUMNS = List.of("vendor", "service", "name", "category", "policy_tag",
      "trains_by_default", "retention", "processing_regions", "certifications", "zero_retention_offer");

  /** What a column of facts holds when the catalog states nothing (the columns' default). */
  public static final String UNKNOWN = "unknown";

  /** The policy tag of a service nobody has reviewed yet (the column's default). */
  public static final String UNREVIEWED = "unreviewed";

  /**
   * One service of a catalogued vendor: ids as in flows.vendor and flows.service, the vendor's
   * display name, and the catalog's answers for its data facts ({@link #UNKNOWN} where none).
   *
   * @param policyTag the tag the configuration gives the service, which replaces the stored one;
   *     null to keep the tag the table holds (a reviewer's, or {@value #UNREVIEWED})
   */
  public record Entry(String vendor, String service, String name, String category, Facts facts, String policyTag) {
    public Entry(String vendor, String service, String name, String category, Facts facts) {
      this(vendor, service, name, category, facts, null);
    }

    public Entry(String vendor, String service, String name, String category) {
      this(vendor, service, name, category, Facts.NONE, null);
    }
  }

  /**
   * The catalog's answers for a service, as the columns hold them (050_vendor_facts.sql).
   *
   * @param trainsByDefault the training fact that speaks for the service's users: yes, no or unknown
   * @param retention days kept by default ({@code 30d}), {@code until-deleted} or unknown
   */
  public record Facts(String trainsByDefault, String retention, String processingRegions, String certifications,
      String zeroRetentionOffer) {
    public static final Facts NONE = new Facts(UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN);
  }

  private VendorRows() {}

  /**
   * Makes the table hold exactly {@code entries}, each with the policy tag its entry gives, else
   * the one it had before (or {@value #UNREVIEWED}); returns how many rows it holds. Readers may see the table empty for
   * the moment between the two statements.
   */
  public static int replace(ClickHouseStore store, List<Entry> entries) throws StoreException {
    Map<String, String> tags = new HashMap<>();
    for (String line : store.query("SELECT vendor, service, policy_tag FROM " + TABLE + " FORMAT TSVRaw").split("\n")) {
      String[] fields = line.split("\t", -1);
      if (fields.length == 3) {
        tags.put(fields[0] + "\t" + fields[1], fields[2]);
      }
    }
    RowBinaryWriter out = new RowBinaryWriter();
    Map<String, Entry> unique = new java.util.LinkedHashMap<>();
    for (Entry entry : entries) {
      unique.put(entry.vendor() + "\t" + entry.service(), entry); // a later catalog file overrides an earlier one
    }
    for (Map.Entry<String, Entry> keyed : unique.entrySet()) {
      Entry entry = keyed.getValue();
      out.lowCardinalityString(entry.vendor())
          .lowCardinalityString(entry.service())
          .string(entry.name())
          .lowCardinalityString(entry.category())
          .lowCardinalityString(entry.policyTag() != null ? entry.policyTag() : tags.getOrDefault(keyed.getKey(), UNREVIEWED))
          .lowCardinalityString(entry.facts().trainsByDefault())
          .lowCardinalityString(entry.facts().retention())
          .string(entry.facts().processingRegions())
          .string(entry.facts().certifications())
          .lowCardinalityString(entry.facts().zeroRetentionOffer());
    }
    for (String truncate : ClusterSchema.statementFor(store, "TRUNCATE TABLE " + TABLE)) {
      store.execute(truncate);
    }
    store.insertRowBinary(TABLE, COLUMNS, out.toByteArray());
    return unique.size();
  }
}
