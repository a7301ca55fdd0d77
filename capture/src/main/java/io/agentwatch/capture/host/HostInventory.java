package io.agentwatch.capture.host;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hosts of a network, from a CSV file kept by whoever knows them (an export of the asset
 * inventory or the DHCP server):
 *
 * <pre>
 * address,host,owner,team
 * # comments and blank lines are allowed
 * 10.1.2.3,build-7,alice@example.com,platform
 * 10.1.4.0/24,vpn-pool,,it
 * 2001:db8::/48,office,,
 * 02:42:ac:11:00:02,laptop-bob,bob@example.com,research
 * </pre>
 *
 * <p>The header line is optional; without it the columns are address, host, owner, team. An
 * address is an IPv4 or IPv6 address, a CIDR network or a MAC ({@code aa:bb:cc:dd:ee:ff}
 * or {@code aa-bb-cc-dd-ee-ff}); owner and team may be empty. A host is found by its MAC first
 * (addresses change with DHCP, the interface does not), then by its address, then by the longest
 * network holding it.
 *
 * <p>The file is read again when it changes: lookups check its modification time and size at
 * most once per check interval, on the calling thread, so no watcher thread is needed. A file
 * that no longer parses (half-saved, a typo) leaves the hosts loaded before in place and is
 * reported once with a WARN; write the new file next to it and rename it into place to never be
 * read half-written. Thread-safe.
 */
public final class HostInventory {

  public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(10);

  private static final Logger LOG = LoggerFactory.getLogger(HostInventory.class);

  /**
   * What the inventory says about a host.
   *
   * @param owner who is responsible for it, or null
   * @param team the team it belongs to, or null
   */
  public record Host(String name, String owner, String team) {}

  /** What tells versions of the file apart without reading it. */
  private record FileVersion(FileTime modified, long size) {}

  private final Path file;
  private final long checkIntervalNanos;
  private final LongSupplier nanoClock;
  private volatile InventoryTable table;
  private volatile long nextCheckNanos;
  private volatile String reloadProblem;
  // Both guarded by this: the version in use, and the one last refused (warned about once).
  private FileVersion loadedVersion;
  private FileVersion refusedVersion;

  private HostInventory(Path file, Duration checkInterval, LongSupplier nanoClock) {
    if (checkInterval == null || checkInterval.isNegative()) {
      throw new IllegalArgumentException("host inventory: the check interval must not be negative, was " + checkInterval);
    }
    this.file = file;
    this.checkIntervalNanos = checkInterval.toNanos();
    this.nanoClock = nanoClock;
    this.loadedVersion = version(file);
    this.table = read(file);
    this.nextCheckNanos = nanoClock.getAsLong() + checkIntervalNanos;
    LOG.info("host inventory {}: {} entries", file, table.size());
  }

  /**
   * Reads the inventory, to be checked for changes every {@link #DEFAULT_CHECK_INTERVAL}.
   *
   * @throws HostInventoryException when the file cannot be read or parsed; the message names the
   *     file, the line and the problem
   */
  public static HostInventory load(Path file) {
    return load(file, DEFAULT_CHECK_INTERVAL);
  }

  /** @param checkInterval the longest a changed file goes unnoticed; zero checks on every lookup */
  public static HostInventory load(Path file, Duration checkInterval) {
    return new HostInventory(file, checkInterval, System::nanoTime);
  }

  /** With the clock a test controls. */
  static HostInventory load(Path file, Duration checkInterval, LongSupplier nanoClock) {
    return new HostInventory(file, checkInterval, nanoClock);
  }

  /**
   * The host of an address, or null when the inventory does not list it.
   *
   * @param hi high 64 bits of an IPv6 address, 0 for IPv4
   * @param lo low 64 bits of an IPv6 address, or the IPv4 address in the low 32 bits
   * @param mac the 48-bit MAC of the host's interface, 0 when unknown
   */
  public Host lookup(int ipVersion, long hi, long lo, long mac) {
    if (nanoClock.getAsLong() - nextCheckNanos >= 0) {
      reloadIfChanged();
    }
    return table.lookup(ipVersion, hi, lo, mac);
  }

  /** Entries (lines naming a host) in the table in use. */
  public int size() {
    return table.size();
  }

  public Path file() {
    return file;
  }

  /**
   * Why the file on disk is not the one in use (the error of its last reading), or empty when it
   * is: for a health check.
   */
  public Optional<String> reloadProblem() {
    return Optional.ofNullable(reloadProblem);
  }

  private synchronized void reloadIfChanged() {
    long now = nanoClock.getAsLong();
    if (now - nextCheckNanos < 0) {
      return; // another thread checked while this one waited
    }
    nextCheckNanos = now + checkIntervalNanos;
    FileVersion version;
    try {
      version = version(file);
    } catch (HostInventoryException e) {
      refuse(null, e);
      return;
    }
    if (version.equals(loadedVersion)) {
      refusedVersion = null; // back to the version in use (a file moved away and back)
      reloadProblem = null;
      return;
    }
    if (version.equals(refusedVersion)) {
      return;
    }
    try {
      // The version was taken before reading: a write still going on changes it again, and the
      // next check reads the finished file.
      InventoryTable reloaded = read(file);
      table = reloaded;
      loadedVersion = version;
      refusedVersion = null;
      reloadProblem = null;
      LOG.info("host inventory {}: {} entries", file, reloaded.size());
    } catch (HostInventoryException e) {
      refuse(version, e);
    }
  }

  /** @param version null when the file could not even be looked at (removed, no permission) */
  private void refuse(FileVersion version, HostInventoryException e) {
    boolean alreadyReported = Objects.equals(version, refusedVersion) && e.getMessage().equals(reloadProblem);
    refusedVersion = version;
    reloadProblem = e.getMessage();
    if (!alreadyReported) {
      LOG.warn("host inventory not reloaded, the {} entries loaded before stay in use: {}", table.size(), e.getMessage());
    }
  }

  private static FileVersion version(Path file) {
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      return new FileVersion(attributes.lastModifiedTime(), attributes.size());
    } catch (IOException e) {
      throw cannotRead(file, e);
    }
  }

  private static InventoryTable read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (CharacterCodingException e) {
      throw new HostInventoryException(file + ": host inventory is not UTF-8 text", e);
    } catch (IOException e) {
      throw cannotRead(file, e);
    }
    return InventoryTable.parse(file.toString(), lines);
  }

  private static HostInventoryException cannotRead(Path file, IOException e) {
    String reason = e instanceof NoSuchFileException ? "no such file" : e.toString();
    return new HostInventoryException(file + ": cannot read host inventory (" + reason + ")", e);
  }
}
