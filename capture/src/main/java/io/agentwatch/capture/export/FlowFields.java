package io.agentwatch.capture.export;

import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.FlowText;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * The fields of the sensor's text outputs (JSON lines, CSV) in their contract order: names in
 * snake_case, enums lower case with hyphens ("tcp", "sni", "active-timeout"), times ISO-8601 UTC
 * with microseconds, absent text null. Every text output writes exactly this list, so they can
 * never disagree; later versions may only append fields.
 */
public final class FlowFields {

  /** One output field: a number, a piece of text (possibly null) or a flag taken from a record. */
  public sealed interface Field permits NumberField, TextField, BooleanField {
    String name();
  }

  public record NumberField(String name, ToLongFunction<FlowRecord> value) implements Field {}

  public record TextField(String name, Function<FlowRecord, String> value) implements Field {}

  /** A flag: JSON true/false; text outputs write "true"/"false". */
  public record BooleanField(String name, Predicate<FlowRecord> value) implements Field {}

  private static final DateTimeFormatter MICROS_UTC =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  public static final List<Field> ALL = List.of(
      text("src_ip", FlowRecord::getSrcIp),
      number("src_port", FlowRecord::getSrcPort),
      text("dst_ip", FlowRecord::getDstIp),
      number("dst_port", FlowRecord::getDstPort),
      text("transport", r -> FlowText.of(r.getTransport())),
      number("packets_up", FlowRecord::getPacketsUp),
      number("packets_down", FlowRecord::getPacketsDown),
      number("bytes_up", FlowRecord::getBytesUp),
      number("bytes_down", FlowRecord::getBytesDown),
      text("first_seen", r -> time(r.getFirstSeen())),
      text("last_seen", r -> time(r.getLastSeen())),
      text("sni", FlowRecord::getSni),
      text("vendor", FlowRecord::getVendor),
      text("service", FlowRecord::getService),
      text("identified_by", r -> FlowText.of(r.getIdentifiedBy())),
      text("end_reason", r -> FlowText.of(r.getEndReason())),
      text("alpn", FlowRecord::getAlpn),
      text("ja4", FlowRecord::getJa4),
      text("dns_name", FlowRecord::getDnsName),
      text("category", FlowRecord::getCategory),
      flag("ech", FlowRecord::getEch),
      text("community_id", FlowRecord::getCommunityId),
      text("confidence", FlowRecord::getConfidence));

  private FlowFields() {}

  /** The output spelling of a time: 2015-10-20T07:09:33.614159Z. */
  public static String time(Instant instant) {
    if (instant == null) {
      return null;
    }
    long seconds = instant.getEpochSecond();
    LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, SECONDS_PER_DAY));
    if (date.getYear() < 0 || date.getYear() > 9999) {
      return MICROS_UTC.format(instant);
    }
    // By hand: DateTimeFormatter took a fifth of the time to write a flow record as JSON.
    int secondOfDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
    char[] text = new char[27];
    digits(text, 0, date.getYear(), 4);
    text[4] = '-';
    digits(text, 5, date.getMonthValue(), 2);
    text[7] = '-';
    digits(text, 8, date.getDayOfMonth(), 2);
    text[10] = 'T';
    digits(text, 11, secondOfDay / 3600, 2);
    text[13] = ':';
    digits(text, 14, secondOfDay / 60 % 60, 2);
    text[16] = ':';
    digits(text, 17, secondOfDay % 60, 2);
    text[19] = '.';
    digits(text, 20, instant.getNano() / 1000, 6);
    text[26] = 'Z';
    return new String(text);
  }

  private static final long SECONDS_PER_DAY = 86_400;

  private static void digits(char[] text, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      text[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }

  private static Field number(String name, ToLongFunction<FlowRecord> value) {
    return new NumberField(name, value);
  }

  private static Field text(String name, Function<FlowRecord, String> value) {
    return new TextField(name, value);
  }

  private static Field flag(String name, Predicate<FlowRecord> value) {
    return new BooleanField(name, value);
  }
}
