package io.agentwatch.testing;

import java.io.StringWriter;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * Everything logged while open — AgentWatch at INFO and the Kafka clients and broker at INFO too
 * (their configuration dumps are where a leaked password would show) — kept as text for assertions.
 */
public final class CapturedLogs implements AutoCloseable {

  private final StringWriter text = new StringWriter();
  private final WriterAppender appender;
  private static final String[] KAFKA_LOGGERS = {"org.apache.kafka", "kafka"};

  public CapturedLogs() {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    Configuration config = context.getConfiguration();
    appender = WriterAppender.newBuilder().setName("captured-" + System.nanoTime()).setTarget(text)
        .setLayout(PatternLayout.newBuilder().withPattern("%-5level %c{1} %msg%n").build()).build();
    appender.start();
    config.addAppender(appender);
    config.getRootLogger().addAppender(appender, Level.ALL, null);
    // Kafka's INFO goes only here, not to the console: it is evidence, not news.
    for (String name : KAFKA_LOGGERS) {
      LoggerConfig kafka = LoggerConfig.newBuilder().withLoggerName(name).withLevel(Level.INFO)
          .withAdditivity(false).withConfig(config).build();
      kafka.addAppender(appender, Level.ALL, null);
      config.addLogger(name, kafka);
    }
    context.updateLoggers();
  }

  public synchronized String text() {
    return text.toString();
  }

  @Override
  public void close() {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    context.getConfiguration().getRootLogger().removeAppender(appender.getName());
    for (String name : KAFKA_LOGGERS) {
      context.getConfiguration().removeLogger(name);
    }
    appender.stop();
    context.updateLoggers();
  }
}
