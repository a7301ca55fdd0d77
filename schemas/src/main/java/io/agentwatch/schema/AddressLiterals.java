package io.agentwatch.schema;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * The address literals of flow records (src_ip, dst_ip) read without ever resolving a name: the
 * store's row encoder and the stored Community ID check read them the same way.
 */
public final class AddressLiterals {

  private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6_LITERAL_CHARACTERS = Pattern.compile("[0-9A-Fa-f:.]+");

  private AddressLiterals() {}

  /**
   * The common case without a regex or an InetAddress: four decimal octets 0-255 without leading
   * zeros, as the sensor writes them. -1 for anything else, which {@link #parse} judges.
   */
  public static long plainIpv4(String literal) {
    if (literal == null || literal.length() < 7 || literal.length() > 15) {
      return -1;
    }
    long address = 0;
    int octets = 0;
    int i = 0;
    int length = literal.length();
    while (i < length) {
      int start = i;
      int octet = 0;
      while (i < length && i - start < 3) {
        char c = literal.charAt(i);
        if (c < '0' || c > '9') {
          break;
        }
        octet = octet * 10 + (c - '0');
        i++;
      }
      int digits = i - start;
      if (digits == 0 || octet > 255 || (digits > 1 && literal.charAt(start) == '0')) {
        return -1;
      }
      address = (address << 8) | octet;
      octets++;
      if (i == length) {
        break;
      }
      if (literal.charAt(i) != '.' || octets == 4) {
        return -1;
      }
      i++;
      if (i == length) {
        return -1;
      }
    }
    return octets == 4 ? address : -1;
  }

  /**
   * Parses an IPv4 or IPv6 address literal. {@link InetAddress#getByName} resolves anything that is
   * not a literal through DNS, which must never happen on the write path, so only the characters
   * of address literals get that far.
   */
  public static InetAddress parse(String literal) {
    boolean ipv4 = literal != null && IPV4_LITERAL.matcher(literal).matches();
    boolean ipv6 = literal != null && literal.indexOf(':') >= 0 && IPV6_LITERAL_CHARACTERS.matcher(literal).matches();
    if (!ipv4 && !ipv6) {
      throw new IllegalArgumentException("not an IP address literal: '" + literal + "'");
    }
    try {
      InetAddress address = InetAddress.getByName(literal);
      if (!(address instanceof Inet4Address) && !(address instanceof Inet6Address)) {
        throw new IllegalArgumentException("not an IP address literal: '" + literal + "'");
      }
      return address;
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address literal: '" + literal + "'", e);
    }
  }
}
