package io.agentwatch.capture.export;

import io.agentwatch.schema.FlowRecord;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * Writes flow records as CSV (RFC 4180): a header line with the names of {@link FlowFields#ALL},
 * then one line per record with exactly those fields in that order. A text field is quoted when it
 * holds a comma, a quote or a line break (quotes doubled); an absent text is an empty field. The
 * writer does not close the stream it was given.
 */
public final class CsvFlowWriter implements FlowSink {

  private final Writer out;
  private boolean headerWritten;

  public CsvFlowWriter(Writer out) {
    this.out = out instanceof BufferedWriter ? out : new BufferedWriter(out, 1 << 16);
  }

  public CsvFlowWriter(OutputStream out) {
    this(new OutputStreamWriter(out, StandardCharsets.UTF_8));
  }

  @Override
  public void accept(FlowRecord record) {
    try {
      writeHeaderOnce();
      boolean first = true;
      for (FlowFields.Field field : FlowFields.ALL) {
        if (!first) {
          out.write(',');
        }
        first = false;
        if (field instanceof FlowFields.NumberField number) {
          out.write(Long.toString(number.value().applyAsLong(record)));
        } else if (field instanceof FlowFields.TextField text) {
          writeText(text.value().apply(record));
        } else if (field instanceof FlowFields.BooleanField flag) {
          out.write(flag.value().test(record) ? "true" : "false");
        }
      }
      out.write('\n');
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write flow record", e);
    }
  }

  private void writeHeaderOnce() throws IOException {
    if (headerWritten) {
      return;
    }
    headerWritten = true;
    boolean first = true;
    for (FlowFields.Field field : FlowFields.ALL) {
      if (!first) {
        out.write(',');
      }
      first = false;
      writeText(field.name());
    }
    out.write('\n');
  }

  private void writeText(String value) throws IOException {
    if (value == null) {
      return;
    }
    boolean needsQuotes = false;
    for (int i = 0; i < value.length() && !needsQuotes; i++) {
      char c = value.charAt(i);
      needsQuotes = c == ',' || c == '"' || c == '\n' || c == '\r';
    }
    if (!needsQuotes) {
      out.write(value);
      return;
    }
    out.write('"');
    out.write(value.replace("\"", "\"\""));
    out.write('"');
  }

  /** Writes the header even when there was no record, so an empty result is still a valid table. */
  /** A live capture's records reach the terminal or pipe within a second. */
  @Override
  public void tick() {
    flush();
  }

  @Override
  public void flush() {
    try {
      writeHeaderOnce();
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot flush flow records", e);
    }
  }

  @Override
  public void close() {
    flush();
  }
}
