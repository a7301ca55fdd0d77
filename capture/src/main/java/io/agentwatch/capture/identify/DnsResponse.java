package io.agentwatch.capture.identify;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the address answers of a DNS response (RFC 1035): A and AAAA records, with the name the
 * client asked for when the answer came through a CNAME chain. Compressed names are followed only
 * backwards (a pointer must point before the label that holds it), so a looping or forward pointer
 * is rejected; names are at most 255 bytes; anything truncated or malformed yields no answers.
 * Never throws on malformed input.
 */
public final class DnsResponse {

  /**
   * One address answer.
   *
   * @param name the queried name the chain started from (lower case, no trailing dot)
   * @param address 4 (A) or 16 (AAAA) bytes
   * @param ttlSeconds the address record's TTL
   */
  public record Answer(String name, byte[] address, long ttlSeconds) {}

  private static final int HEADER = 12;
  private static final int FLAG_RESPONSE = 0x8000;
  private static final int RCODE_MASK = 0x000f;
  private static final int CLASS_IN = 1;
  private static final int TYPE_A = 1;
  private static final int TYPE_CNAME = 5;
  private static final int TYPE_AAAA = 28;
  private static final int MAX_NAME = 255;
  private static final int MAX_POINTER_JUMPS = 32;
  private static final int MAX_CHAIN = 16;
  private static final int MAX_RECORDS = 256;
  private static final Map<Integer, Integer> ADDRESS_LENGTH_BY_TYPE = Map.of(TYPE_A, 4, TYPE_AAAA, 16);

  private DnsResponse() {}

  /** The address answers of the DNS message {@code data[offset, offset + length)}; empty if none. */
  public static List<Answer> parse(byte[] data, int offset, int length) {
    if (data == null || offset < 0 || length < HEADER || offset > data.length - length) {
      return List.of();
    }
    Message message = new Message(data, offset, offset + length);
    try {
      return message.answers();
    } catch (Malformed e) {
      return List.of();
    }
  }

  /** Signals a read past the message or an invalid name; carries no stack trace. */
  private static final class Malformed extends RuntimeException {
    private static final Malformed INSTANCE = new Malformed();

    private Malformed() {
      super(null, null, false, false);
    }
  }

  private static final class Message {
    private final byte[] data;
    private final int start;
    private final int end;
    private int position;

    Message(byte[] data, int start, int end) {
      this.data = data;
      this.start = start;
      this.end = end;
    }

    List<Answer> answers() {
      int flags = u16(start + 2);
      if ((flags & FLAG_RESPONSE) == 0 || (flags & RCODE_MASK) != 0) {
        return List.of();
      }
      int questions = u16(start + 4);
      int answerCount = u16(start + 6);
      if (questions != 1 || answerCount == 0 || answerCount > MAX_RECORDS) {
        return List.of();
      }
      position = start + HEADER;
      String queried = name();
      position += 4; // QTYPE, QCLASS
      Map<String, String> cnameTargets = new HashMap<>();
      List<String> owners = new ArrayList<>();
      List<byte[]> addresses = new ArrayList<>();
      List<Long> ttls = new ArrayList<>();
      for (int i = 0; i < answerCount; i++) {
        String owner = name();
        int type = u16(position);
        int recordClass = u16(position + 2);
        long ttl = u32(position + 4);
        int dataLength = u16(position + 8);
        position += 10;
        int dataEnd = position + dataLength;
        if (dataEnd > end) {
          throw Malformed.INSTANCE;
        }
        Integer addressLength = ADDRESS_LENGTH_BY_TYPE.get(type);
        if (recordClass == CLASS_IN && addressLength != null && addressLength == dataLength) {
          byte[] address = new byte[dataLength];
          System.arraycopy(data, position, address, 0, dataLength);
          owners.add(owner);
          addresses.add(address);
          ttls.add(ttl);
        } else if (recordClass == CLASS_IN && type == TYPE_CNAME) {
          cnameTargets.put(owner, name());
        }
        position = dataEnd;
      }
      List<Answer> answers = new ArrayList<>(addresses.size());
      for (int i = 0; i < addresses.size(); i++) {
        String name = leadsTo(queried, owners.get(i), cnameTargets) ? queried : owners.get(i);
        answers.add(new Answer(name, addresses.get(i), ttls.get(i)));
      }
      return List.copyOf(answers);
    }

    /** True if following CNAMEs from the queried name reaches the address record's owner. */
    private static boolean leadsTo(String queried, String owner, Map<String, String> cnameTargets) {
      String name = queried;
      for (int step = 0; step <= MAX_CHAIN && name != null; step++) {
        if (name.equals(owner)) {
          return true;
        }
        name = cnameTargets.get(name);
      }
      return false;
    }

    /** Reads a possibly compressed name at the current position and moves past it. */
    private String name() {
      StringBuilder name = new StringBuilder(64);
      int at = position;
      int resumeAt = -1;
      int jumps = 0;
      int labelStartLimit = at; // a pointer must point before the label that holds it
      while (true) {
        int length = u8(at);
        if ((length & 0xc0) == 0xc0) {
          int target = start + (((length & 0x3f) << 8) | u8(at + 1));
          if (resumeAt < 0) {
            resumeAt = at + 2;
          }
          if (++jumps > MAX_POINTER_JUMPS || target >= labelStartLimit) {
            throw Malformed.INSTANCE;
          }
          labelStartLimit = target;
          at = target;
          continue;
        }
        if ((length & 0xc0) != 0) {
          throw Malformed.INSTANCE;
        }
        if (length == 0) {
          position = resumeAt >= 0 ? resumeAt : at + 1;
          return name.toString().toLowerCase(Locale.ROOT);
        }
        if (at + 1 + length > end || name.length() + length + 1 > MAX_NAME) {
          throw Malformed.INSTANCE;
        }
        if (name.length() > 0) {
          name.append('.');
        }
        name.append(new String(data, at + 1, length, StandardCharsets.ISO_8859_1));
        at += 1 + length;
      }
    }

    private int u8(int at) {
      if (at >= end) {
        throw Malformed.INSTANCE;
      }
      return data[at] & 0xff;
    }

    private int u16(int at) {
      return (u8(at) << 8) | u8(at + 1);
    }

    private long u32(int at) {
      return ((long) u16(at) << 16) | u16(at + 2);
    }
  }
}
