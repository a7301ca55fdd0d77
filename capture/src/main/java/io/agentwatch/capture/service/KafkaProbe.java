package io.agentwatch.capture.service;

import io.agentwatch.capture.export.KafkaExportConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the cluster, once at start, whether the sensor can deliver: wrong credentials end the start
 * with a clear error (a sensor that would spool for ever with a typo in its password helps no
 * one); an unreachable broker does not (that is what the spool is for) and a missing topic is
 * reported but not fatal (the broker may create it on first use).
 */
final class KafkaProbe {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaProbe.class);
  private static final long TIMEOUT_SECONDS = 10;

  private KafkaProbe() {}

  /** @param topics the topics this sensor writes */
  static void check(KafkaExportConfig kafka, List<String> topics, Path spool) {
    Properties props = new Properties();
    kafka.producerProperties().forEach((key, value) -> {
      if (AdminClientConfig.configNames().contains((String) key)) {
        props.put(key, value);
      }
    });
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "agentwatch-sensor-probe");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS)));
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS)));
    Admin admin;
    try {
      admin = Admin.create(props);
    } catch (KafkaException e) {
      // e.g. a keystore the JDK cannot open: the reason is several causes down
      throw new KafkaRejectedException("the Kafka client cannot start with these settings: " + rootMessage(e)
          + "; check kafka.ssl-truststore, kafka.ssl-keystore (an encrypted PEM key must use an algorithm the JDK "
          + "knows, e.g. openssl pkcs8 -topk8 -v1 PBE-SHA1-3DES, or no encryption) and kafka.properties", e);
    }
    try (admin) {
      for (String topic : topics) {
        warnIfMissing(admin, kafka, topic);
      }
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof SslAuthenticationException) {
        throw new KafkaRejectedException("Kafka at " + kafka.bootstrapServers() + " rejected the sensor's credentials: "
            + rootMessage(cause) + ". The TLS handshake failed: check kafka.ssl-truststore (the broker's CA) and, if the "
            + "broker requires client certificates, kafka.ssl-keystore.", cause);
      }
      if (cause instanceof AuthenticationException) {
        throw new KafkaRejectedException(kafka.loginRefused(cause.getMessage()), cause);
      }
      if (cause instanceof AuthorizationException) {
        throw new KafkaRejectedException("Kafka at " + kafka.bootstrapServers() + " does not allow the sensor to use topics "
            + topics + ": " + cause.getMessage(), cause);
      }
      LOG.warn("cannot check Kafka at {} ({}); flow records wait in the spool {} until it answers",
          kafka.bootstrapServers(), cause.getMessage(), spool);
    } catch (TimeoutException e) {
      LOG.warn("Kafka at {} does not answer within {} s; flow records wait in the spool {} until it does",
          kafka.bootstrapServers(), TIMEOUT_SECONDS, spool);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A missing topic is reported, not fatal. The spool delivers in order, so records for a missing
   * topic hold back everything behind them, flow records too: say so.
   */
  private static void warnIfMissing(Admin admin, KafkaExportConfig kafka, String topic)
      throws ExecutionException, InterruptedException, TimeoutException {
    try {
      admin.describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
        throw e;
      }
      LOG.warn("Kafka topic '{}' does not exist at {}; records wait in the spool until it is created "
          + "(or the broker creates it on first use), and the records after them too", topic, kafka.bootstrapServers());
    }
  }

  private static String rootMessage(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == error ? String.valueOf(error.getMessage()) : error.getMessage() + ": " + root.getMessage();
  }
}
