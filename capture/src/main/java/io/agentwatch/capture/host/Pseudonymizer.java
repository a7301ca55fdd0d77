package io.agentwatch.capture.host;

import io.agentwatch.capture.identify.CidrTable;
import io.agentwatch.schema.FlowColumns;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stable pseudonyms for host addresses: {@code h-} and the first 64 bits of HMAC-SHA256(key,
 * address) in lower-case hex. The same address gets the same pseudonym under the same key, so
 * flows of one host still group downstream; without the key a pseudonym cannot be turned back
 * into an address by trying addresses, which a plain hash of the few internal addresses would
 * allow.
 *
 * <p>The address is hashed as its 16 bytes in IPv6 form (IPv4 as {@code ::ffff:a.b.c.d}), so an
 * IPv4 host keeps its pseudonym when it shows up as an IPv4-mapped address. Thread-safe.
 */
public final class Pseudonymizer {

  public static final String PREFIX = FlowColumns.PSEUDONYM_PREFIX;
  /** Shorter keys are guessable; HMAC-SHA256 itself takes any length. */
  public static final int MIN_KEY_BYTES = 16;
  /** Enough for every host of a large site; a miss costs one HMAC, about a microsecond. */
  static final int CACHE_ENTRIES = 65_536;

  private static final String ALGORITHM = "HmacSHA256";
  private static final long IPV4_MAPPED_PREFIX = 0x0000_ffff_0000_0000L;
  private static final HexFormat HEX = HexFormat.of();

  private record Address(long hi, long lo) {}

  private final Mac mac;
  private final byte[] input = new byte[16];
  private final Map<Address, String> cache =
      new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Address, String> eldest) {
          return size() > CACHE_ENTRIES;
        }
      };

  /**
   * @param key the secret; keep it outside the records' reach (a file readable by the sensor
   *     only). Changing it changes every pseudonym.
   * @throws IllegalArgumentException when the key is shorter than {@value #MIN_KEY_BYTES} bytes
   */
  public Pseudonymizer(byte[] key) {
    if (key == null || key.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException(
          "pseudonymisation key is " + (key == null ? 0 : key.length) + " bytes; at least " + MIN_KEY_BYTES + " are needed");
    }
    try {
      mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(Arrays.copyOf(key, key.length), ALGORITHM));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(ALGORITHM + " is not available in this JVM", e);
    }
  }

  /** The pseudonym of an address held as two longs (IPv4 in the low 32 bits of {@code lo}). */
  public synchronized String pseudonym(int ipVersion, long hi, long lo) {
    Address address = ipVersion == 4 ? new Address(0, IPV4_MAPPED_PREFIX | (lo & 0xffff_ffffL)) : new Address(hi, lo);
    return cache.computeIfAbsent(address, this::compute);
  }

  /**
   * The pseudonym of an address written as text, for looking one up by hand (which records belong
   * to this machine?).
   *
   * @throws IllegalArgumentException when the text is not an IPv4 or IPv6 address
   */
  public String pseudonym(String address) {
    CidrTable.Range parsed = CidrTable.Range.parseAddress(address);
    return pseudonym(6, parsed.hi(), parsed.lo());
  }

  private String compute(Address address) {
    for (int i = 0; i < 8; i++) {
      input[i] = (byte) (address.hi() >>> (56 - 8 * i));
      input[8 + i] = (byte) (address.lo() >>> (56 - 8 * i));
    }
    return PREFIX + HEX.formatHex(mac.doFinal(input), 0, 8);
  }
}
