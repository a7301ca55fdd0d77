package io.agentwatch.stack;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The Kafka cluster a stack uses, embedded or existing: its brokers and the client properties
 * (security) every producer, consumer and admin client of the stack needs to reach it.
 */
public record KafkaCluster(String bootstrapServers, Map<String, String> clientProperties) {

  private static final int ADMIN_TIMEOUT_MS = 10_000;

  public KafkaCluster {
    clientProperties = Map.copyOf(clientProperties);
  }

  /** The admin client's settings: the cluster's, with short timeouts so an unreachable cluster is said soon. */
  public Map<String, Object> adminSettings() {
    Map<String, Object> settings = new LinkedHashMap<>(clientProperties);
    settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ADMIN_TIMEOUT_MS);
    settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ADMIN_TIMEOUT_MS);
    return settings;
  }

  /**
   * Fails with a message naming the brokers when the cluster does not answer (wrong address,
   * security settings that do not match its listener).
   */
  public void requireReachable(String settingName) {
    try (Admin admin = Admin.create(adminSettings())) {
      admin.describeCluster().clusterId().get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new IllegalStateException(settingName + " " + bootstrapServers + ": the Kafka cluster does not answer ("
          + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage())
          + "); check the address and kafka.security-protocol, kafka.sasl-*, kafka.ssl-*", cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reaching " + bootstrapServers, e);
    }
  }

  /**
   * Creates the topic unless it exists, with the cluster's default replication factor and the
   * given topic-level settings; an existing topic keeps its own.
   */
  public void createTopic(String name, int partitions, Map<String, String> topicSettings) {
    try (Admin admin = Admin.create(adminSettings())) {
      admin.createTopics(List.of(new NewTopic(name, Optional.of(partitions), Optional.empty()).configs(topicSettings)))
          .all().get();
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("cannot create topic " + name + " on " + bootstrapServers + ": "
            + e.getCause().getMessage(), e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topic " + name, e);
    }
  }
}
