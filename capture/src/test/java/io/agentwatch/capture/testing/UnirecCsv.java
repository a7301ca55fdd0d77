package io.agentwatch.capture.testing;

import java.util.ArrayList;
import java.util.List;

/** ipfixprobe's published outputs: CSV lines of the unirec logger, whose column header is the last line. */
public final class UnirecCsv {

  private UnirecCsv() {}

  /** Splits one line; quoted fields may hold commas. */
  public static List<String> split(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (char c : line.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        fields.add(field.toString());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    fields.add(field.toString());
    return fields;
  }
}
