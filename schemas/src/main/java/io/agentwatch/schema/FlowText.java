package io.agentwatch.schema;

import java.util.Locale;

/**
 * The one text form of the schema's enums (Transport, Evidence, EndReason), shared by the ClickHouse
 * columns and the sensor's JSON output: lower case, words joined by hyphens ({@code TCP} →
 * "tcp", {@code IP_RANGE} → "ip-range", {@code END_OF_CAPTURE} → "end-of-capture"), matching the
 * words DESIGN.md uses.
 */
public final class FlowText {

  private FlowText() {}

  /**
   * "ip-range" for {@code Evidence.IP_RANGE}; the same rule for every enum of the schema. Computed
   * once per constant: writers call this for every record.
   */
  public static String of(Enum<?> value) {
    return TEXTS.get(value.getDeclaringClass())[value.ordinal()];
  }

  private static String spell(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static final ClassValue<String[]> TEXTS = new ClassValue<>() {
    @Override
    protected String[] computeValue(Class<?> type) {
      Object[] constants = type.getEnumConstants();
      String[] texts = new String[constants.length];
      for (int i = 0; i < constants.length; i++) {
        texts[i] = spell((Enum<?>) constants[i]);
      }
      return texts;
    }
  };

  /** The constant whose text is {@code text} ("end-of-capture" → END_OF_CAPTURE). */
  public static <E extends Enum<E>> E parse(Class<E> type, String text) {
    for (E constant : type.getEnumConstants()) {
      if (of(constant).equals(text)) {
        return constant;
      }
    }
    throw new IllegalArgumentException("'" + text + "' is not a " + type.getSimpleName() + " (expected one of "
        + java.util.Arrays.stream(type.getEnumConstants()).map(FlowText::of).toList() + ")");
  }
}
