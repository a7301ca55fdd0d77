package io.agentwatch.capture.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class MetricsWriterTest {

  @Test
  void eachFamilyHasHelpAndTypeOnceAndItsSamplesTogetherEvenWhenTwoSourcesInterleave() {
    MetricsWriter out = new MetricsWriter();
    out.counter("agentwatch_records_sent_total", "Records sent.", 10, "topic", "flows");
    out.gauge("agentwatch_spool_bytes", "Bytes waiting in the spool.", 4096);
    out.counter("agentwatch_records_sent_total", "Records sent.", 2, "topic", "alerts");

    String text = out.text();

    assertEquals("""
        # HELP agentwatch_records_sent_total Records sent.
        # TYPE agentwatch_records_sent_total counter
        agentwatch_records_sent_total{topic="flows"} 10
        agentwatch_records_sent_total{topic="alerts"} 2
        # HELP agentwatch_spool_bytes Bytes waiting in the spool.
        # TYPE agentwatch_spool_bytes gauge
        agentwatch_spool_bytes 4096
        """, text);
    Exposition parsed = Exposition.parse(text);
    assertEquals("counter", parsed.types.get("agentwatch_records_sent_total"));
    assertEquals("gauge", parsed.types.get("agentwatch_spool_bytes"));
  }

  @Test
  void labelValuesEscapeBackslashDoubleQuoteAndLineFeed() {
    MetricsWriter out = new MetricsWriter();
    String nasty = "C:\\pcap \"lo\"\nsecond line";
    out.gauge("agentwatch_info", "Build and interface.", 1, "interface", nasty, "version", "0.1");

    String text = out.text();

    assertTrue(text.contains("agentwatch_info{interface=\"C:\\\\pcap \\\"lo\\\"\\nsecond line\",version=\"0.1\"} 1\n"), text);
    assertEquals(nasty, Exposition.parse(text).family("agentwatch_info").get(0).labels().get("interface"));
  }

  @Test
  void helpEscapesBackslashAndLineFeedButNotDoubleQuotes() {
    MetricsWriter out = new MetricsWriter();
    String help = "Frames \"read\" from C:\\capture;\nsee the README.";
    out.counter("agentwatch_packets_read_total", help, 1);

    String text = out.text();

    assertTrue(text.startsWith(
        "# HELP agentwatch_packets_read_total Frames \"read\" from C:\\\\capture;\\nsee the README.\n"), text);
    assertEquals(help, Exposition.parse(text).helps.get("agentwatch_packets_read_total"));
  }

  @Test
  void numbersAreIntegersWithoutExponentDecimalsOrPrometheusSpecialValues() {
    assertEquals("9223372036854775807", sampleValue(w -> w.counter("a_total", "h", Long.MAX_VALUE)));
    assertEquals("0", sampleValue(w -> w.gauge("a", "h", 0L)));
    assertEquals("-42", sampleValue(w -> w.gauge("a", "h", -42L)));
    assertEquals("3", sampleValue(w -> w.gauge("a", "h", 3.0)));
    assertEquals("0", sampleValue(w -> w.gauge("a", "h", -0.0)));
    assertEquals("1000000000000000", sampleValue(w -> w.gauge("a", "h", 1e15)));
    assertEquals("9007199254740992", sampleValue(w -> w.gauge("a", "h", 0x1p53)));
    assertEquals("0.25", sampleValue(w -> w.gauge("a_seconds", "h", 0.25)));
    assertEquals("-1.5", sampleValue(w -> w.gauge("a", "h", -1.5)));
    assertEquals("NaN", sampleValue(w -> w.gauge("a", "h", Double.NaN)));
    assertEquals("+Inf", sampleValue(w -> w.gauge("a", "h", Double.POSITIVE_INFINITY)));
    assertEquals("-Inf", sampleValue(w -> w.gauge("a", "h", Double.NEGATIVE_INFINITY)));
    // Beyond 2^53, or tiny: Java's round-trip decimal, which Prometheus (Go's ParseFloat) reads back exactly.
    for (double v : List.of(1e-5, 1e20, 0x1p60, 123.456, Double.MIN_VALUE, Double.MAX_VALUE)) {
      String text = sampleValue(w -> w.gauge("a", "h", v));
      assertEquals(v, Double.parseDouble(text), text);
      Exposition.parse("# HELP a h\n# TYPE a gauge\na " + text + "\n");
    }
  }

  @Test
  void counterNamesEndInTotalAndOnlyCountersDo() {
    MetricsWriter out = new MetricsWriter();
    IllegalArgumentException counter = assertThrows(IllegalArgumentException.class,
        () -> out.counter("agentwatch_packets_read", "h", 1));
    assertTrue(counter.getMessage().contains("must end in _total"), counter.getMessage());
    assertThrows(IllegalArgumentException.class, () -> out.gauge("agentwatch_flows_total", "h", 1));
  }

  @Test
  void misuseIsRefusedWithTheMetricNamed() {
    MetricsWriter out = new MetricsWriter();
    out.counter("agentwatch_x_total", "h", 1, "reason", "a");

    assertMessage("agentwatch_x_total", () -> out.gauge("agentwatch_x_total", "h", 1));
    assertMessage("two different help texts", () -> out.counter("agentwatch_x_total", "other", 1, "reason", "b"));
    assertMessage("written twice", () -> out.counter("agentwatch_x_total", "h", 2, "reason", "a"));
    assertMessage("cannot be negative", () -> out.counter("agentwatch_y_total", "h", -1));
    assertMessage("name/value pairs", () -> out.counter("agentwatch_y_total", "h", 1, "reason"));
    assertMessage("label name 'bad-label'", () -> out.counter("agentwatch_y_total", "h", 1, "bad-label", "v"));
    assertMessage("label name '__reserved'", () -> out.counter("agentwatch_y_total", "h", 1, "__reserved", "v"));
    assertMessage("given twice", () -> out.counter("agentwatch_y_total", "h", 1, "a", "1", "a", "2"));
    assertMessage("is not [a-zA-Z_:]", () -> out.gauge("agentwatch-flows", "h", 1));
    assertMessage("is not [a-zA-Z_:]", () -> out.gauge("1flows", "h", 1));
    assertMessage("help text missing", () -> out.gauge("agentwatch_z", " ", 1));

    // The refused calls left nothing half-written behind.
    Exposition parsed = Exposition.parse(out.text());
    assertEquals(List.of("agentwatch_x_total"), List.copyOf(parsed.types.keySet()));
  }

  @Test
  void theGrammarCheckOfTheseTestsRejectsWhatIsNotValidExposition() {
    String gauge = "# HELP a h\n# TYPE a gauge\n";
    List<String> broken = List.of(
        "a 1\n",
        gauge + "a 1",
        gauge + "a{l=\"x\"\"} 1\n",
        gauge + "a{l=\"x\ny\"} 1\n",
        gauge + "a{l=\"\\t\"} 1\n",
        gauge + "a{1l=\"x\"} 1\n",
        gauge + "a 1e\n",
        gauge + "a Infinity\n",
        gauge + "a  1\n",
        gauge + "\na 1\n",
        gauge + "a 1\na 2\n",
        gauge + "a 1\n# HELP b h\n# TYPE b gauge\nb 1\na{x=\"1\"} 2\n",
        "# HELP a h\n# TYPE a gauge\n# TYPE a gauge\na 1\n",
        "# HELP a h\\t\n# TYPE a gauge\na 1\n",
        "# HELP a h\n# TYPE a counter\na 1\n",
        "# HELP a_total h\n# TYPE a_total counter\na_total -1\n",
        "# HELP a h\n# TYPE a gauge\r\na 1\n");
    for (String text : broken) {
      assertThrows(AssertionError.class, () -> Exposition.parse(text), text);
    }
    Exposition.parse(gauge + "a{l=\"x\\\\ \\\" \\n\",} -1.5e-3 1700000000000\n");
  }

  @Test
  void anEmptyScrapeIsEmpty() {
    assertEquals("", new MetricsWriter().text());
  }

  private static void assertMessage(String expected, Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  private static String sampleValue(MetricsSource source) {
    MetricsWriter out = new MetricsWriter();
    source.writeTo(out);
    String text = out.text();
    Exposition.parse(text);
    String sample = text.lines().filter(line -> !line.startsWith("#")).findFirst().orElseThrow();
    return sample.substring(sample.lastIndexOf(' ') + 1);
  }
}
