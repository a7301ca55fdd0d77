package io.agentwatch.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * Sends the libraries' log messages (Kafka, Flink, ClickHouse client: every logger outside
 * io.agentwatch) to a file instead of stderr. `up` and `replay` run a broker, a Flink cluster and
 * the store in one process, and their start-up chatter (Flink's metric-name warnings alone were 190 of 243
 * lines) buried the few lines a user needs; AgentWatch's own messages stay on stderr. Done here,
 * not in log4j2.xml, so every other command (and the tests' captured logs) keep one root appender.
 */
final class LibraryLogs {

  private static final String APPENDER = "library-log-file";
  private static final String OURS = "io.agentwatch";

  private LibraryLogs() {}

  /** From now on the root logger writes to {@code file} (appended), not to stderr. */
  static void redirectTo(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    Configuration config = context.getConfiguration();
    Appender appender = FileAppender.newBuilder()
        .setName(APPENDER)
        .withFileName(file.toString())
        .withAppend(true)
        .setLayout(PatternLayout.newBuilder().withConfiguration(config)
            .withPattern("%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level %c %msg%n").build())
        .setConfiguration(config)
        .build();
    appender.start();
    config.addAppender(appender);
    LoggerConfig root = config.getRootLogger();
    // io.agentwatch keeps the console appenders the root had, and stops passing its messages up.
    LoggerConfig ours = config.getLoggerConfig(OURS);
    if (!OURS.equals(ours.getName())) { // not in this configuration: the root's nearest stand-in was returned
      ours = LoggerConfig.newBuilder().withLoggerName(OURS).withLevel(root.getLevel()).withConfig(config).build();
      config.addLogger(OURS, ours);
    }
    for (Appender console : root.getAppenders().values()) {
      ours.addAppender(console, null, null);
    }
    ours.setAdditive(false);
    for (String name : root.getAppenders().keySet()) {
      root.removeAppender(name);
    }
    root.addAppender(appender, null, null);
    context.updateLoggers();
  }
}
