package io.agentwatch.capture.identify;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Reads the Host header of the first HTTP/1.x request a client sends on a plain-HTTP connection.
 * The input may be a prefix of the stream; the answer is final once the header block is complete
 * or the bytes cannot be an HTTP request. Never throws on malformed input.
 */
public final class HttpHost {

  public enum Status {
    HOST,
    INCOMPLETE,
    NOT_HTTP
  }

  /** @param host lower case, port removed; null unless status is HOST */
  public record Result(Status status, String host) {
    static final Result INCOMPLETE = new Result(Status.INCOMPLETE, null);
    static final Result NOT_HTTP = new Result(Status.NOT_HTTP, null);

    public boolean isFinal() {
      return status != Status.INCOMPLETE;
    }
  }

  /** Request methods a first request may start with (RFC 9110 section 9 and WebDAV's common ones). */
  private static final List<byte[]> METHODS = List.of(
      "GET ", "POST ", "PUT ", "HEAD ", "DELETE ", "OPTIONS ", "PATCH ", "CONNECT ", "TRACE ", "PROPFIND ")
      .stream().map(method -> method.getBytes(StandardCharsets.US_ASCII)).toList();
  private static final byte[] HOST_HEADER = "\r\nhost:".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_HEADER_BLOCK = 8192;
  private static final int MAX_HOST = 255;

  private HttpHost() {}

  public static Result parse(byte[] data, int offset, int length) {
    if (data == null || offset < 0 || length < 0 || offset > data.length - length) {
      return Result.NOT_HTTP;
    }
    int methodMatch = methodMatch(data, offset, length);
    if (methodMatch < 0) {
      return Result.NOT_HTTP;
    }
    if (methodMatch == 0) {
      return Result.INCOMPLETE;
    }
    int end = offset + Math.min(length, MAX_HEADER_BLOCK);
    int headersEnd = indexOf(data, offset, end, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), false);
    int searchEnd = headersEnd >= 0 ? headersEnd + 2 : end;
    int host = indexOf(data, offset, searchEnd, HOST_HEADER, true);
    if (host < 0) {
      return headersEnd >= 0 || length >= MAX_HEADER_BLOCK ? Result.NOT_HTTP : Result.INCOMPLETE;
    }
    int valueStart = host + HOST_HEADER.length;
    int lineEnd = indexOf(data, valueStart, searchEnd, new byte[] {'\r', '\n'}, false);
    if (lineEnd < 0) {
      return Result.INCOMPLETE;
    }
    String value = new String(data, valueStart, lineEnd - valueStart, StandardCharsets.ISO_8859_1).trim().toLowerCase(Locale.ROOT);
    String hostName = withoutPort(value);
    if (hostName.isEmpty() || hostName.length() > MAX_HOST || !hostName.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      return Result.NOT_HTTP;
    }
    return new Result(Status.HOST, hostName);
  }

  /** 1 if a known method starts the data, 0 if the data is a prefix of one, -1 otherwise. */
  private static int methodMatch(byte[] data, int offset, int length) {
    boolean prefix = false;
    for (byte[] method : METHODS) {
      int compared = Math.min(length, method.length);
      boolean same = true;
      for (int i = 0; i < compared && same; i++) {
        same = data[offset + i] == method[i];
      }
      if (same && compared == method.length) {
        return 1;
      }
      prefix |= same;
    }
    return prefix ? 0 : -1;
  }

  private static String withoutPort(String value) {
    if (value.startsWith("[")) {
      int close = value.indexOf(']');
      return close > 0 ? value.substring(1, close) : "";
    }
    int colon = value.lastIndexOf(':');
    return colon >= 0 && value.indexOf(':') == colon ? value.substring(0, colon) : value;
  }

  private static int indexOf(byte[] data, int from, int to, byte[] needle, boolean ignoreCase) {
    for (int i = from; i + needle.length <= to; i++) {
      int j = 0;
      while (j < needle.length && sameByte(data[i + j], needle[j], ignoreCase)) {
        j++;
      }
      if (j == needle.length) {
        return i;
      }
    }
    return -1;
  }

  private static boolean sameByte(byte actual, byte expected, boolean ignoreCase) {
    return ignoreCase ? Character.toLowerCase((char) (actual & 0xff)) == expected : actual == expected;
  }
}
