package io.agentwatch.jobs.detect;

import java.io.Serializable;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The organisation's stance on each AI vendor (or one of its services), from the settings
 * {@code detect.policy.vendors} ({@code VENDOR} or {@code VENDOR/SERVICE} → tag) and
 * {@code detect.policy.teams} ({@code TEAM/VENDOR} or {@code TEAM/VENDOR/SERVICE} → tag, which wins
 * for that team's hosts). The most specific entry wins; without one a vendor is unreviewed, which
 * never alerts by itself.
 */
public final class Policy implements Serializable {

  public static final String SANCTIONED = "sanctioned";
  public static final String TOLERATED = "tolerated";
  public static final String UNSANCTIONED = "unsanctioned";
  public static final String UNREVIEWED = "unreviewed";
  public static final Set<String> TAGS = Set.of(SANCTIONED, TOLERATED, UNSANCTIONED, UNREVIEWED);

  private final Map<String, String> vendors;
  private final Map<String, String> teams;

  Policy(Map<String, String> vendors, Map<String, String> teams) {
    this.vendors = slashed(vendors);
    this.teams = slashed(teams);
  }

  // Nested YAML (teams: {ml: {deepseek: tolerated}}) arrives as "ml.deepseek": read it as "ml/deepseek".
  private static Map<String, String> slashed(Map<String, String> tags) {
    Map<String, String> out = new java.util.HashMap<>();
    tags.forEach((key, tag) -> out.put(key.replace('.', '/'), tag));
    return Map.copyOf(out);
  }

  /** Throws naming the key and the tag when a tag is none of {@link #TAGS}. */
  static void validate(String setting, Map<String, String> tags) {
    tags.forEach((key, tag) -> {
      if (!TAGS.contains(tag.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException(setting + "." + key + ": '" + tag + "' is no policy tag; expected one of "
            + String.join(", ", new java.util.TreeSet<>(TAGS)));
      }
    });
  }

  /** The tag for a host of {@code team} ('' when unknown) sending to {@code vendor}'s {@code service}. */
  public String tag(String team, String vendor, String service) {
    String tag = null;
    if (!team.isEmpty()) {
      tag = first(teams, team + "/" + vendor + "/" + service, team + "/" + vendor);
    }
    if (tag == null) {
      tag = first(vendors, vendor + "/" + service, vendor);
    }
    return tag == null ? UNREVIEWED : tag.toLowerCase(Locale.ROOT);
  }

  private static String first(Map<String, String> tags, String specific, String general) {
    String tag = tags.get(specific);
    return tag != null ? tag : tags.get(general);
  }
}
