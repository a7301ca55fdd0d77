package io.agentwatch.capture.identify;

import io.agentwatch.capture.identify.EndpointCatalogFile.DomainPattern;
import io.agentwatch.capture.identify.EndpointCatalogFile.Service;
import io.agentwatch.capture.identify.EndpointCatalogFile.Vendor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which AI vendor and service a host name belongs to, from catalog files (data, not code). The
 * built-in file ships as the resource {@value #BUILTIN_RESOURCE}; user files extend it, and an
 * entry for a domain in a later file replaces the entry for the same domain in an earlier one. The
 * longest matching suffix wins; a lookup costs one hash probe per label of the name. Published
 * address ranges are matched by longest prefix in a {@link CidrTable}.
 */
public final class EndpointCatalog {

  public static final String BUILTIN_RESOURCE = "/catalog/endpoints.yaml";

  /** What a domain suffix says about the name itself and about its subdomains. */
  private record Rule(EndpointMatch name, EndpointMatch subdomains) {}

  private final Map<String, Rule> rulesBySuffix;
  private final CidrTable<EndpointMatch> ranges;
  private final List<EndpointCatalogFile> files;

  private EndpointCatalog(Map<String, Rule> rulesBySuffix, CidrTable<EndpointMatch> ranges, List<EndpointCatalogFile> files) {
    this.rulesBySuffix = rulesBySuffix;
    this.ranges = ranges;
    this.files = files;
  }

  /** The catalog shipped with the sensor. */
  public static EndpointCatalog builtin() {
    return of(List.of(builtinFile()));
  }

  /** The built-in catalog extended by user files, applied in order. */
  public static EndpointCatalog builtinWith(List<Path> userFiles) {
    List<EndpointCatalogFile> files = new ArrayList<>();
    files.add(builtinFile());
    for (Path path : userFiles) {
      files.add(EndpointCatalogFile.read(path));
    }
    return of(files);
  }

  /** A catalog of exactly these files; later files override earlier ones domain by domain. */
  public static EndpointCatalog of(List<EndpointCatalogFile> files) {
    Map<String, Rule> rules = new HashMap<>();
    CidrTable<EndpointMatch> ranges = new CidrTable<>();
    for (EndpointCatalogFile file : files) {
      Map<DomainPattern, String> ownerInThisFile = new HashMap<>();
      for (Vendor vendor : file.vendors()) {
        for (Service service : vendor.services()) {
          EndpointMatch match = new EndpointMatch(vendor.id(), service.id(), service.category());
          service.ranges().forEach(range -> ranges.put(range, match));
          for (DomainPattern domain : service.domains()) {
            String owner = vendor.id() + "/" + service.id();
            String previous = ownerInThisFile.put(domain, owner);
            if (previous != null) {
              throw new CatalogException(file.name() + ": domain " + domain + " is listed twice, under " + previous + " and " + owner, null);
            }
            Rule rule = rules.getOrDefault(domain.suffix(), new Rule(null, null));
            rules.put(domain.suffix(), domain.subdomainsOnly() ? new Rule(rule.name(), match) : new Rule(match, match));
          }
        }
      }
    }
    return new EndpointCatalog(Map.copyOf(rules), ranges, List.copyOf(files));
  }

  // Parsed once per process: a file is immutable, and parsing the YAML takes longer than the rest
  // of a small capture's run.
  private static EndpointCatalogFile builtinFile;

  private static synchronized EndpointCatalogFile builtinFile() {
    if (builtinFile == null) {
      builtinFile = readBuiltinFile();
    }
    return builtinFile;
  }

  private static EndpointCatalogFile readBuiltinFile() {
    try (InputStream in = EndpointCatalog.class.getResourceAsStream(BUILTIN_RESOURCE)) {
      if (in == null) {
        throw new CatalogException("resource " + BUILTIN_RESOURCE + " is missing from the classpath", null);
      }
      return EndpointCatalogFile.read("builtin:" + BUILTIN_RESOURCE, in);
    } catch (IOException e) {
      throw new CatalogException("resource " + BUILTIN_RESOURCE + ": " + e.getMessage(), e);
    }
  }

  /**
   * The vendor and service of a host name (case-insensitive, a trailing dot ignored), or null when
   * the catalog does not know it.
   */
  public EndpointMatch match(String hostname) {
    if (hostname == null || hostname.isEmpty()) {
      return null;
    }
    String name = hostname.toLowerCase(Locale.ROOT);
    if (name.endsWith(".")) {
      name = name.substring(0, name.length() - 1);
    }
    Rule exact = rulesBySuffix.get(name);
    if (exact != null && exact.name() != null) {
      return exact.name();
    }
    for (int dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1)) {
      Rule rule = rulesBySuffix.get(name.substring(dot + 1));
      if (rule != null && rule.subdomains() != null) {
        return rule.subdomains();
      }
    }
    return null;
  }

  /**
   * The vendor and service whose published range holds the address (the longest prefix wins), or
   * null. IPv4 addresses are in {@code lo} with {@code hi} 0, as flows carry them.
   */
  public EndpointMatch matchAddress(int ipVersion, long hi, long lo) {
    return ranges.lookup(ipVersion, hi, lo);
  }

  /** The files this catalog was built from, in the order they were applied. */
  public List<EndpointCatalogFile> files() {
    return files;
  }
}
