package io.agentwatch.delivery.receiver;

import io.agentwatch.delivery.alert.Severity;
import io.agentwatch.delivery.route.Route;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One receiver, as written under {@code delivery.receivers.NAME} in the YAML file: its type, where
 * it is, how its body is written, its secret (read from a file or an environment variable, never
 * from the YAML file itself) and its route.
 *
 * @param url webhook, slack, teams, splunk-hec: where to POST
 * @param secret webhook: the HMAC-SHA256 key of the signature header (null: unsigned); splunk-hec: the HEC token
 * @param host syslog: the listener's host
 * @param port syslog: the listener's port
 * @param trustFile https and syslog over TLS: PEM certificates to trust instead of the JDK's (null: the JDK's)
 * @param option the type's one variant: webhook json|ocsf, teams message|adaptive, splunk-hec the index, syslog json|cef|ocsf
 */
public record ReceiverConfig(String name, Type type, Route route, URI url, byte[] secret, String host, int port,
    Transport transport, String option, int facility, Path trustFile) {

  public enum Type {
    WEBHOOK, SLACK, TEAMS, SPLUNK_HEC, SYSLOG;

    public String text() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  public enum Transport { UDP, TCP, TLS }

  /** Keys a receiver may have; anything else is a typo worth reporting. */
  static final Set<String> KEYS = Set.of("type", "url", "secret-file", "secret-env", "token-file", "token-env", "address",
      "transport", "format", "card", "index", "facility", "trust-file", "min-severity", "teams", "detectors");

  /**
   * @param prefix how the receiver's keys are named in messages ("delivery.receivers.NAME")
   * @param keys the receiver's keys and values, as text
   * @throws IllegalArgumentException naming the key, its value and what is wrong
   */
  public static ReceiverConfig parse(String name, Map<String, String> keys, Map<String, String> environment) {
    String prefix = "delivery.receivers." + name + ".";
    for (String key : keys.keySet()) {
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException(prefix + key + ": unknown receiver key (known: " + String.join(", ", KEYS.stream().sorted().toList()) + ")");
      }
    }
    String typeText = required(keys, prefix, "type");
    Type type = switch (typeText) {
      case "webhook" -> Type.WEBHOOK;
      case "slack" -> Type.SLACK;
      case "teams" -> Type.TEAMS;
      case "splunk-hec" -> Type.SPLUNK_HEC;
      case "syslog" -> Type.SYSLOG;
      default -> throw new IllegalArgumentException(prefix + "type: '" + typeText
          + "' is not a receiver type (webhook, slack, teams, splunk-hec, syslog)");
    };
    Route route = new Route(severity(keys, prefix), names(keys.get("teams")), names(keys.get("detectors")));
    Path trust = keys.containsKey("trust-file") ? readable(prefix + "trust-file", keys.get("trust-file")) : null;
    if (type == Type.SYSLOG) {
      String address = required(keys, prefix, "address");
      int colon = address.lastIndexOf(':');
      int port;
      try {
        port = Integer.parseInt(address.substring(colon + 1));
        if (colon < 1 || port < 1 || port > 65535) {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(prefix + "address: '" + address + "' is not HOST:PORT (e.g. siem.example.org:6514)", e);
      }
      String host = address.substring(0, colon).replaceAll("^\\[|]$", "");
      Transport transport = switch (keys.getOrDefault("transport", "tcp")) {
        case "udp" -> Transport.UDP;
        case "tcp" -> Transport.TCP;
        case "tls" -> Transport.TLS;
        default -> throw new IllegalArgumentException(prefix + "transport: '" + keys.get("transport") + "' is not udp, tcp or tls");
      };
      String format = oneOf(prefix + "format", keys.getOrDefault("format", "json"), List.of("json", "cef", "ocsf"));
      int facility;
      try {
        facility = Integer.parseInt(keys.getOrDefault("facility", "10"));
        if (facility < 0 || facility > 23) {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(prefix + "facility: '" + keys.get("facility") + "' is not a syslog facility 0..23", e);
      }
      return new ReceiverConfig(name, type, route, null, null, host, port, transport, format, facility, trust);
    }
    URI url = url(prefix + "url", required(keys, prefix, "url"));
    return switch (type) {
      case WEBHOOK -> new ReceiverConfig(name, type, route, url, secret(keys, prefix, "secret", environment, false), null, 0,
          null, oneOf(prefix + "format", keys.getOrDefault("format", "json"), List.of("json", "ocsf")), 0, trust);
      case SLACK -> new ReceiverConfig(name, type, route, url, null, null, 0, null, "", 0, trust);
      case TEAMS -> new ReceiverConfig(name, type, route, url, null, null, 0, null,
          oneOf(prefix + "card", keys.getOrDefault("card", "message"), List.of("message", "adaptive")), 0, trust);
      case SPLUNK_HEC -> new ReceiverConfig(name, type, route, hecEndpoint(url), secret(keys, prefix, "token", environment, true),
          null, 0, null, keys.getOrDefault("index", ""), 0, trust);
      case SYSLOG -> throw new AssertionError("handled above");
    };
  }

  /** Where the receiver is, for messages: "webhook https://..." or "syslog tcp 10.0.0.5:514". */
  public String describe() {
    return type.text() + " " + (type == Type.SYSLOG ? transport.name().toLowerCase(Locale.ROOT) + " " + host + ":" + port : url);
  }

  @Override
  public String toString() {
    return name + " (" + describe() + "; " + route + ")"; // never the secret
  }

  /** The HEC event endpoint: a base URL gets /services/collector/event appended. */
  private static URI hecEndpoint(URI url) {
    String path = url.getPath() == null ? "" : url.getPath();
    return path.isEmpty() || path.equals("/") ? url.resolve("/services/collector/event") : url;
  }

  private static String required(Map<String, String> keys, String prefix, String key) {
    String value = keys.get(key);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(prefix + key + ": missing");
    }
    return value.trim();
  }

  private static Severity severity(Map<String, String> keys, String prefix) {
    String text = keys.get("min-severity");
    try {
      return text == null ? Severity.LOW : Severity.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(prefix + "min-severity: " + e.getMessage(), e);
    }
  }

  /** A list written as YAML list or "a, b". */
  private static Set<String> names(String text) {
    Set<String> names = new LinkedHashSet<>();
    if (text != null) {
      for (String name : text.replaceAll("^\\[|]$", "").split("\\s*,\\s*")) {
        if (!name.isBlank()) {
          names.add(name.trim());
        }
      }
    }
    return Set.copyOf(names);
  }

  private static String oneOf(String key, String value, List<String> allowed) {
    if (!allowed.contains(value)) {
      throw new IllegalArgumentException(key + ": '" + value + "' is not one of " + String.join(", ", allowed));
    }
    return value;
  }

  private static URI url(String key, String text) {
    try {
      URI url = URI.create(text);
      if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null) {
        throw new IllegalArgumentException("not an http or https URL");
      }
      return url;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": '" + text + "' is not an http(s) URL (" + e.getMessage() + ")", e);
    }
  }

  private static Path readable(String key, String file) {
    Path path = Path.of(file);
    if (!Files.isReadable(path)) {
      throw new IllegalArgumentException(key + ": " + file + (Files.exists(path) ? " is not readable" : " does not exist"));
    }
    return path;
  }

  /**
   * A secret from {@code NAME-file} (the file's text, trimmed) or {@code NAME-env} (the variable's
   * value); never from the YAML file, which is often shared and checked in.
   */
  private static byte[] secret(Map<String, String> keys, String prefix, String name, Map<String, String> environment,
      boolean required) {
    String file = keys.get(name + "-file");
    String variable = keys.get(name + "-env");
    String secret = null;
    if (file != null) {
      Path path = readable(prefix + name + "-file", file);
      try {
        secret = Files.readString(path).trim();
      } catch (IOException e) {
        throw new IllegalArgumentException(prefix + name + "-file: cannot read " + file + ": " + e.getMessage(), e);
      }
      if (secret.isEmpty()) {
        throw new IllegalArgumentException(prefix + name + "-file: " + file + " is empty");
      }
    } else if (variable != null) {
      secret = environment.get(variable);
      if (secret == null || secret.isEmpty()) {
        throw new IllegalArgumentException(prefix + name + "-env: environment variable " + variable + " is not set");
      }
    } else if (required) {
      throw new IllegalArgumentException(prefix + name + "-file: missing (or " + name + "-env naming an environment variable)");
    }
    return secret == null ? null : secret.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Receivers in the order written, from the flattened map of {@code delivery.receivers}. */
  public static List<ReceiverConfig> parseAll(Map<String, String> flattened, Map<String, String> environment) {
    Map<String, Map<String, String>> byName = new LinkedHashMap<>();
    flattened.forEach((key, value) -> {
      int dot = key.indexOf('.');
      if (dot < 1) {
        throw new IllegalArgumentException("delivery.receivers." + key + ": expected a receiver name with its keys below it");
      }
      byName.computeIfAbsent(key.substring(0, dot), n -> new LinkedHashMap<>()).put(key.substring(dot + 1), value);
    });
    return byName.entrySet().stream().map(entry -> parse(entry.getKey(), entry.getValue(), environment)).toList();
  }
}
