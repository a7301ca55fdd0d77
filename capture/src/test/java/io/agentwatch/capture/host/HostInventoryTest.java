package io.agentwatch.capture.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.capture.host.HostInventory.Host;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostInventoryTest {

  private static final long NO_MAC = 0;
  private static final long SECOND = 1_000_000_000L;

  @TempDir Path dir;

  private final AtomicLong clock = new AtomicLong();
  private Instant modified = Instant.parse("2025-06-01T09:00:00Z");

  /** Writes the inventory with a modification time one minute after the previous version's. */
  private Path write(String... lines) throws IOException {
    Path file = dir.resolve("inventory.csv");
    Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    modified = modified.plusSeconds(60);
    Files.setLastModifiedTime(file, FileTime.from(modified));
    return file;
  }

  private HostInventory load(String... lines) throws IOException {
    return HostInventory.load(write(lines), Duration.ofSeconds(10), clock::get);
  }

  static Host lookup(HostInventory inventory, String address, long mac) throws IOException {
    byte[] bytes = InetAddress.getByName(address).getAddress();
    if (bytes.length == 4) {
      return inventory.lookup(4, 0, ByteBuffer.wrap(bytes).getInt() & 0xffff_ffffL, mac);
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    return inventory.lookup(6, buffer.getLong(), buffer.getLong(), mac);
  }

  private static String name(HostInventory inventory, String address) throws IOException {
    Host host = lookup(inventory, address, NO_MAC);
    return host == null ? null : host.name();
  }

  private String loadError(String... lines) {
    return assertThrows(HostInventoryException.class, () -> load(lines)).getMessage();
  }

  @Test
  void readsAddressesNetworksAndMacsWithOptionalOwnerAndTeam() throws IOException {
    HostInventory inventory = load(
        "# exported from the asset database",
        "address,host,owner,team",
        "",
        "10.1.2.3,build-7,alice@example.com,platform",
        "10.1.4.0/24 , vpn-pool , , it",
        "2001:db8:1::/48,office-v6",
        "2001:db8:2::7,printer,facilities",
        "02:42:ac:11:00:02,laptop-bob,bob@example.com,\"Research, EU\"",
        "3C-22-FB-01-02-03,laptop-eve,,");

    assertEquals(6, inventory.size());
    assertEquals(new Host("build-7", "alice@example.com", "platform"), lookup(inventory, "10.1.2.3", NO_MAC));
    assertEquals(new Host("vpn-pool", null, "it"), lookup(inventory, "10.1.4.200", NO_MAC));
    assertEquals(new Host("office-v6", null, null), lookup(inventory, "2001:db8:1:ff::1", NO_MAC));
    assertEquals(new Host("printer", "facilities", null), lookup(inventory, "2001:db8:2::7", NO_MAC));
    assertEquals(new Host("laptop-bob", "bob@example.com", "Research, EU"), lookup(inventory, "192.0.2.1", 0x02_42_ac_11_00_02L));
    assertEquals("laptop-eve", lookup(inventory, "192.0.2.1", 0x3c_22_fb_01_02_03L).name());
    assertNull(lookup(inventory, "10.1.5.1", NO_MAC));
    assertNull(lookup(inventory, "2001:db8:3::1", NO_MAC));
  }

  @Test
  void aMacBeatsAnAddressWhichBeatsTheLongestNetworkWhichBeatsAShorterOne() throws IOException {
    HostInventory inventory = load(
        "address,host",
        "10.0.0.0/8,corporate",
        "10.1.0.0/16,site-berlin",
        "10.1.2.3,build-7",
        "02:00:00:00:00:01,laptop-bob");

    assertEquals("laptop-bob", lookup(inventory, "10.1.2.3", 0x02_00_00_00_00_01L).name());
    assertEquals("build-7", lookup(inventory, "10.1.2.3", 0x02_00_00_00_00_99L).name(), "an unlisted MAC falls back to the address");
    assertEquals("build-7", name(inventory, "10.1.2.3"));
    assertEquals("site-berlin", name(inventory, "10.1.2.4"));
    assertEquals("corporate", name(inventory, "10.2.0.1"));
    assertNull(name(inventory, "11.0.0.1"));
  }

  @Test
  void theHeaderLineIsOptional() throws IOException {
    HostInventory inventory = load("# exported from DHCP", "10.0.0.5,alpha,alice@example.com,ml", "10.0.1.0/24,vpn-pool");
    assertEquals(new Host("alpha", "alice@example.com", "ml"), lookup(inventory, "10.0.0.5", NO_MAC));
    assertEquals("vpn-pool", name(inventory, "10.0.1.9"));
    assertEquals(0, load("# nothing yet").size(), "a file without entries is an empty inventory");
  }

  @Test
  void errorsNameTheFileTheLineAndTheProblem() {
    String file = dir.resolve("inventory.csv").toString();
    assertEquals(file + ":3: '10.0.0.300' is not an IP address, CIDR or MAC",
        loadError("address,host,owner,team", "10.0.0.1,a", "10.0.0.300,b"));
    assertEquals(file + ":2: '10.0.0.1/24' has bits set after the prefix length",
        loadError("address,host", "10.0.0.1/24,a"));
    assertEquals(file + ":2: '02:42:ac:11:00' is not an IP address, CIDR or MAC",
        loadError("address,host", "02:42:ac:11:00,a"));
    assertEquals(file + ":2: the host name for '10.0.0.1' is missing",
        loadError("address,host,owner", "10.0.0.1, ,alice"));
    assertEquals(file + ":2: the address is missing",
        loadError("address,host", ",a"));
    assertEquals(file + ":2: 3 columns, but the header names 2",
        loadError("address,host", "10.0.0.1,a,alice"));
    assertEquals(file + ":4: '10.0.0.1/32' is listed twice (first on line 2)",
        loadError("address,host", "10.0.0.1,a", "# the same host as a /32", "10.0.0.1/32,b"));
    assertEquals(file + ":2: a quoted field is not closed",
        loadError("address,host", "10.0.0.1,\"a"));
    assertEquals(file + ":1: the header must be 'address,host,owner,team' (owner and team may be left out), found 'address,name'",
        loadError("address,name", "10.0.0.1,a"));
    assertEquals(file + ":1: 'ip' is not an IP address, CIDR or MAC (the header line, optional, is 'address,host,owner,team')",
        loadError("ip,name", "10.0.0.1,a"));
    assertEquals(file + ":2: 5 columns, but the columns are address,host,owner,team",
        loadError("10.0.0.1,a", "10.0.0.2,b,alice,ml,extra"));
    assertEquals(dir.resolve("absent.csv") + ": cannot read host inventory (no such file)",
        assertThrows(HostInventoryException.class, () -> HostInventory.load(dir.resolve("absent.csv"))).getMessage());
  }

  @Test
  void aChangedFileIsReadAtTheFirstLookupAfterTheCheckInterval() throws IOException {
    HostInventory inventory = load("address,host", "10.0.0.5,alpha");
    assertEquals("alpha", name(inventory, "10.0.0.5"));

    write("address,host", "10.0.0.5,beta", "10.0.0.6,gamma");
    clock.set(9 * SECOND);
    assertEquals("alpha", name(inventory, "10.0.0.5"), "not checked before the interval is over");

    clock.set(10 * SECOND);
    assertEquals("beta", name(inventory, "10.0.0.5"));
    assertEquals("gamma", name(inventory, "10.0.0.6"));
    assertEquals(2, inventory.size());
    assertEquals(Optional.empty(), inventory.reloadProblem());
  }

  @Test
  void aBrokenRewriteKeepsTheHostsLoadedBeforeUntilTheFileIsFixed() throws IOException {
    HostInventory inventory = load("address,host", "10.0.0.5,alpha");

    write("address,host", "10.0.0.5,beta", "10.0.0.300,typo");
    clock.set(10 * SECOND);
    assertEquals("alpha", name(inventory, "10.0.0.5"));
    assertEquals(1, inventory.size());
    assertEquals(Optional.of(inventory.file() + ":3: '10.0.0.300' is not an IP address, CIDR or MAC"), inventory.reloadProblem());

    Files.delete(inventory.file());
    clock.set(20 * SECOND);
    assertEquals("alpha", name(inventory, "10.0.0.5"), "a removed file keeps the hosts too");
    assertTrue(inventory.reloadProblem().orElseThrow().contains("cannot read host inventory"));

    write("address,host", "10.0.0.5,beta");
    clock.set(30 * SECOND);
    assertEquals("beta", name(inventory, "10.0.0.5"));
    assertEquals(Optional.empty(), inventory.reloadProblem());
  }

  @Test
  void aFileSavedWithAByteOrderMarkReadsLikeAnyOther() throws IOException {
    HostInventory inventory = load("\ufeffaddress,host", "10.0.0.5,alpha");
    assertEquals("alpha", name(inventory, "10.0.0.5"));
  }
}
