package io.agentwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class AgentWatchTest {

  private static final List<String> ALL = List.of("flows", "sensor", "up", "replay", "query", "alerts", "backtest", "deliver", "report",
      "generate", "serve", "migrate", "catalog", "help");

  @Test
  void aNamedSubcommandIsTheOnlyOneBuilt() {
    assertEquals(List.of("flows"), List.copyOf(AgentWatch.commandLine("flows").getSubcommands().keySet()));
    assertEquals(List.of("sensor"), List.copyOf(AgentWatch.commandLine("sensor").getSubcommands().keySet()));
  }

  @Test
  void helpAMisspellingOrNoSubcommandGetThemAll() {
    for (String first : new String[] {null, "help", "--help", "flow"}) {
      assertEquals(ALL, List.copyOf(AgentWatch.commandLine(first).getSubcommands().keySet()), "first argument " + first);
    }
  }

  @Test
  void aMisspelledSubcommandStillGetsASuggestion() {
    CommandLine cli = AgentWatch.commandLine("flow");
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    assertEquals(2, cli.execute("flow"));
    assertTrue(err.toString().contains("Did you mean: agentwatch flows"), err.toString());
  }
}
