package io.agentwatch.capture.host;

import io.agentwatch.capture.host.HostInventory.Host;
import io.agentwatch.capture.identify.CidrTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One version of an inventory file, parsed: hosts by MAC, and by address and network in one
 * longest-prefix table (a single address is the longest prefix there is, so it beats every
 * network holding it). Immutable once parsed.
 */
final class InventoryTable {

  static final List<String> COLUMNS = List.of("address", "host", "owner", "team");

  private static final Pattern MAC = Pattern.compile("\\p{XDigit}{2}([:-])\\p{XDigit}{2}(\\1\\p{XDigit}{2}){4}");
  private static final char BYTE_ORDER_MARK = '\ufeff';

  private final Map<Long, Host> byMac;
  private final CidrTable<Host> byAddress;
  private final int size;

  private InventoryTable(Map<Long, Host> byMac, CidrTable<Host> byAddress, int size) {
    this.byMac = byMac;
    this.byAddress = byAddress;
    this.size = size;
  }

  Host lookup(int ipVersion, long hi, long lo, long mac) {
    Host host = mac == 0 || byMac.isEmpty() ? null : byMac.get(mac);
    return host != null ? host : byAddress.lookup(ipVersion, hi, lo);
  }

  int size() {
    return size;
  }

  /**
   * Parses the lines of an inventory file.
   *
   * @param name how errors name the file
   * @throws HostInventoryException naming the file, the line and the first problem
   */
  static InventoryTable parse(String name, List<String> lines) {
    Map<Long, Host> byMac = new HashMap<>();
    CidrTable<Host> byAddress = new CidrTable<>();
    Map<Object, Integer> lineOfEntry = new HashMap<>();
    int columns = 0;
    boolean headerSeen = false;
    for (int index = 0; index < lines.size(); index++) {
      int lineNumber = index + 1;
      String line = lines.get(index);
      if (index == 0 && !line.isEmpty() && line.charAt(0) == BYTE_ORDER_MARK) {
        line = line.substring(1); // spreadsheets save UTF-8 CSV with one
      }
      String trimmed = line.trim();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      List<String> fields = fields(line, name, lineNumber);
      if (columns == 0) {
        boolean isHeader = fields.get(0).equalsIgnoreCase(COLUMNS.get(0));
        columns = isHeader ? header(fields, name, lineNumber, trimmed) : COLUMNS.size();
        if (isHeader) {
          headerSeen = true;
          continue;
        }
      }
      if (fields.size() > columns) {
        throw error(name, lineNumber, fields.size() + " columns, but " + (columns == COLUMNS.size() ? "the columns are " + String.join(",", COLUMNS) : "the header names " + columns));
      }
      String address = fields.get(0);
      String hostName = fields.size() > 1 ? fields.get(1) : "";
      if (address.isEmpty()) {
        throw error(name, lineNumber, "the address is missing");
      }
      if (hostName.isEmpty()) {
        throw error(name, lineNumber, "the host name for '" + address + "' is missing");
      }
      Host host = new Host(hostName, optional(fields, 2), optional(fields, 3));
      Object key;
      if (MAC.matcher(address).matches()) {
        long mac = Long.parseLong(address.replaceAll("[:-]", ""), 16);
        key = mac;
        byMac.put(mac, host);
      } else {
        CidrTable.Range range;
        try {
          range = range(address, name, lineNumber);
        } catch (HostInventoryException e) {
          // Most likely a header with other names: say what the optional header looks like.
          throw lineOfEntry.isEmpty() && !headerSeen
              ? new HostInventoryException(e.getMessage() + " (the header line, optional, is '" + String.join(",", COLUMNS) + "')")
              : e;
        }
        key = range;
        byAddress.put(range, host);
      }
      Integer firstLine = lineOfEntry.putIfAbsent(key, lineNumber);
      if (firstLine != null) {
        throw error(name, lineNumber, "'" + address + "' is listed twice (first on line " + firstLine + ")");
      }
    }
    return new InventoryTable(byMac, byAddress, lineOfEntry.size());
  }

  /** @return how many columns the header names: address and host, then optionally owner and team */
  private static int header(List<String> fields, String name, int lineNumber, String line) {
    int columns = fields.size();
    boolean known = columns >= 2 && columns <= COLUMNS.size();
    for (int i = 0; known && i < columns; i++) {
      known = fields.get(i).toLowerCase(Locale.ROOT).equals(COLUMNS.get(i));
    }
    if (!known) {
      throw error(name, lineNumber, "the header must be '" + String.join(",", COLUMNS) + "' (owner and team may be left out), found '" + line + "'");
    }
    return columns;
  }

  private static CidrTable.Range range(String address, String name, int lineNumber) {
    try {
      // CidrTable's own message is more precise for a range (prefix length, bits after it).
      return address.contains("/") ? CidrTable.Range.parse(address) : CidrTable.Range.parseAddress(address);
    } catch (IllegalArgumentException e) {
      throw error(name, lineNumber, address.contains("/") ? e.getMessage() : "'" + address + "' is not an IP address, CIDR or MAC");
    }
  }

  private static String optional(List<String> fields, int index) {
    return index < fields.size() && !fields.get(index).isEmpty() ? fields.get(index) : null;
  }

  /**
   * Splits one CSV line; double quotes protect commas ({@code "Platform, EU"}) and {@code ""} is a
   * quote, as spreadsheets write them. Fields are trimmed.
   */
  private static List<String> fields(String line, String name, int lineNumber) {
    List<String> fields = new ArrayList<>(COLUMNS.size());
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted && c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
        field.append('"');
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        fields.add(field.toString().trim());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    if (quoted) {
      throw error(name, lineNumber, "a quoted field is not closed");
    }
    fields.add(field.toString().trim());
    return fields;
  }

  private static HostInventoryException error(String name, int lineNumber, String problem) {
    return new HostInventoryException(name + ":" + lineNumber + ": " + problem);
  }
}
