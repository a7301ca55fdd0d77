package io.agentwatch.capture.identify;

import io.agentwatch.capture.identify.EndpointCatalogFile.DomainPattern;
import io.agentwatch.capture.identify.EndpointCatalogFile.Service;
import io.agentwatch.capture.identify.EndpointCatalogFile.Vendor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Which AI vendor and service a host name belongs to, from catalog files (data, not code). The
 * built-in file ships as the resource {@value #BUILTIN_RESOURCE}; user files extend it, and an
 * entry for a pattern in a later file replaces the entry for the same pattern in an earlier one.
 * Names are matched by {@link DomainTrie} (the pattern matching the most labels wins; literal
 * labels beat wildcards), without allocating; published address ranges by longest prefix in a
 * {@link CidrTable}.
 *
 * <p>Its {@link #version} is a hash of what its files say (their canonical texts, in order): the
 * same entries give the same version wherever the catalog was built — from files on a sensor,
 * from the catalog topic — and every flow record names the version that identified it.
 */
public final class EndpointCatalog {

  public static final String BUILTIN_RESOURCE = "/catalog/endpoints.yaml";

  private final DomainTrie names;
  private final CidrTable<EndpointMatch> ranges;
  private final List<EndpointCatalogFile> files;
  private final List<String> canonicalTexts;
  private final String version;

  private EndpointCatalog(DomainTrie names, CidrTable<EndpointMatch> ranges, List<EndpointCatalogFile> files) {
    this.names = names;
    this.ranges = ranges;
    this.files = files;
    this.canonicalTexts = files.stream().map(EndpointCatalogFile::canonicalText).toList();
    this.version = version(canonicalTexts);
  }

  /** 16 hex digits of SHA-256 over the texts, each preceded by its length (so no two lists collide). */
  static String version(List<String> canonicalTexts) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      for (String text : canonicalTexts) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        sha256.update(java.nio.ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
        sha256.update(bytes);
      }
      return HexFormat.of().formatHex(sha256.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
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

  /**
   * A catalog of exactly these files; later files override earlier ones pattern by pattern (a file
   * itself never claims a name twice: reading it checks that).
   */
  public static EndpointCatalog of(List<EndpointCatalogFile> files) {
    DomainTrie names = new DomainTrie();
    CidrTable<EndpointMatch> ranges = new CidrTable<>();
    for (EndpointCatalogFile file : files) {
      for (Vendor vendor : file.vendors()) {
        for (Service service : vendor.services()) {
          EndpointMatch match = new EndpointMatch(vendor.id(), service.id(), service.category());
          service.ranges().forEach(range -> ranges.put(range, match));
          DomainTrie.Entry entry = new DomainTrie.Entry(match, service.resource() != null);
          for (DomainPattern domain : service.domains()) {
            names.put(domain, entry);
          }
        }
      }
    }
    return new EndpointCatalog(names, ranges, List.copyOf(files));
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
   * The vendor and service of a host name (ASCII case-insensitive, a trailing dot ignored), or
   * null when the catalog does not know it.
   */
  public EndpointMatch match(String hostname) {
    CatalogHit hit = new CatalogHit();
    names.find(hostname, hit);
    return hit.match();
  }

  /**
   * Looks a host name up into {@code hit} (reused by the caller, so nothing is allocated) and says
   * whether it matched; {@link CatalogHit#resource} then gives the resource the name carries.
   */
  public boolean lookup(String hostname, CatalogHit hit) {
    return names.find(hostname, hit);
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

  /** Each file's {@link EndpointCatalogFile#canonicalText}, in the order they were applied. */
  public List<String> canonicalTexts() {
    return canonicalTexts;
  }

  /** The content hash that names this catalog in flow records ({@code catalog_version}), 16 hex digits. */
  public String version() {
    return version;
  }
}
