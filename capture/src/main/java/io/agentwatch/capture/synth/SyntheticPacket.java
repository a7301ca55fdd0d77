package io.agentwatch.capture.synth;

import java.time.Instant;

/** A frame to be written to a capture file, with its capture time. */
public record SyntheticPacket(Instant time, byte[] frame) {}
