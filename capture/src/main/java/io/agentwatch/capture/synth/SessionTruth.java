package io.agentwatch.capture.synth;

import java.time.Instant;

/**
 * What a synthetic session put on the wire, for tests to compare a sensor's records against. Up is
 * client to server; bytes are L3 bytes (IPv4 total length), as flow records count them.
 */
public record SessionTruth(
    String clientIp,
    int clientPort,
    String serverIp,
    int serverPort,
    long packetsUp,
    long packetsDown,
    long bytesUp,
    long bytesDown,
    Instant firstSeen,
    Instant lastSeen,
    String serverName) {}
