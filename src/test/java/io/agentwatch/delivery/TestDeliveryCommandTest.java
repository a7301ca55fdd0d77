package io.agentwatch.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.cli.AgentWatch;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `agentwatch alerts test-delivery NAME` against a real HTTP receiver and a real syslog listener on loopback. */
class TestDeliveryCommandTest {

  @TempDir Path dir;

  @Test
  void sendsOneSignedTestAlertAndPrintsWhatTheReceiverAnswered() throws Exception {
    try (WebhookServer http = WebhookServer.start();
        SyslogListener tcp = SyslogListener.start(SyslogListener.Transport.TCP, null)) {
      Path config = config(http, tcp);
      Result result = run("alerts", "test-delivery", "soc", "-c", config.toString());
      assertEquals(0, result.code(), result.err());
      assertTrue(result.out().contains("soc (webhook " + http.url("/hook") + "): HTTP 200 {\"text\":\"Success\""), result.out());
      assertEquals(1, http.accepted().size());
      assertTrue(http.accepted().get(0).header("X-AgentWatch-Signature").startsWith("sha256="));
      assertTrue(http.accepted().get(0).text().contains("Test alert from AgentWatch"), http.accepted().get(0).text());

      Result syslog = run("alerts", "test-delivery", "siem", "-c", config.toString());
      assertEquals(0, syslog.code(), syslog.err());
      assertTrue(syslog.out().matches("(?s)siem \\(syslog tcp 127\\.0\\.0\\.1:\\d+\\): sent \\d+ bytes over tcp to 127\\.0\\.0\\.1:\\d+\\s*"),
          syslog.out());
      Thread.sleep(300);
      assertEquals(1, tcp.messages().size());
      assertTrue(tcp.messages().get(0).contains("CEF:0|AgentWatch|AgentWatch|"), tcp.messages().get(0));
    }
  }

  @Test
  void saysWhatTheReceiverAnsweredWhenItRefusesAndNamesAnUnknownReceiver() throws Exception {
    try (WebhookServer http = WebhookServer.start();
        SyslogListener tcp = SyslogListener.start(SyslogListener.Transport.TCP, null)) {
      http.answer(403);
      Path config = config(http, tcp);
      Result refused = run("alerts", "test-delivery", "soc", "-c", config.toString());
      assertEquals(1, refused.code());
      assertTrue(refused.err().contains("answered HTTP 403 {\"error\":\"rejected by test\"}"), refused.err());

      Result unknown = run("alerts", "test-delivery", "nobody", "-c", config.toString());
      assertEquals(2, unknown.code());
      assertTrue(unknown.err().contains("no receiver 'nobody' under delivery.receivers (there are: soc, siem)"), unknown.err());
    }
  }

  private Path config(WebhookServer http, SyslogListener tcp) throws Exception {
    Path secret = Files.writeString(dir.resolve("secret"), "s3cret");
    return Files.writeString(dir.resolve("agentwatch.yaml"), """
        delivery:
          receivers:
            soc:
              type: webhook
              url: %s
              secret-file: %s
              teams: [ml, data]
            siem:
              type: syslog
              address: %s
              transport: tcp
              format: cef
        """.formatted(http.url("/hook"), secret, tcp.address()));
  }

  private record Result(int code, String out, String err) {}

  private static Result run(String... arguments) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = AgentWatch.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(arguments);
    return new Result(code, out.toString(), err.toString());
  }
}
