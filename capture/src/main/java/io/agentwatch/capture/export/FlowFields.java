package io.agentwatch.capture.export;

import io.agentwatch.schema.FlowColumns;
import io.agentwatch.schema.FlowRecord;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * The fields of the sensor's text outputs (JSON lines, CSV) in their contract order, derived from
 * {@link FlowColumns#TEXT_OUTPUTS}: names in snake_case, enums lower case with hyphens ("tcp",
 * "sni", "active-timeout"), times ISO-8601 UTC with microseconds, absent text null. Every text
 * output writes exactly this list, so they can never disagree; later versions may only append
 * fields (in FlowColumns).
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

  /** Derived once from {@link FlowColumns#TEXT_OUTPUTS}, the one definition of the flow. */
  public static final List<Field> ALL = FlowColumns.TEXT_OUTPUTS.stream().map(FlowFields::field).toList();

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

  private static Field field(FlowColumns.Column column) {
    String name = column.name();
    FlowColumns.Value value = column.value();
    if (value instanceof FlowColumns.Count count) {
      return new NumberField(name, count.of());
    }
    if (value instanceof FlowColumns.Text text) {
      return new TextField(name, text.of());
    }
    if (value instanceof FlowColumns.Derived derived) {
      return new TextField(name, derived.of());
    }
    if (value instanceof FlowColumns.Address address) {
      return new TextField(name, address.of());
    }
    if (value instanceof FlowColumns.Time time) {
      Function<FlowRecord, Instant> of = time.of();
      return new TextField(name, r -> time(of.apply(r)));
    }
    if (value instanceof FlowColumns.Flag flag) {
      return new BooleanField(name, flag.of());
    }
    throw new IllegalStateException("flow column '" + name + "' (" + value.getClass().getSimpleName()
        + ") cannot be a text output field: the record does not carry it");
  }
}
