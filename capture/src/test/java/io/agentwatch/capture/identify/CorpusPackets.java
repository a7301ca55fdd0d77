package io.agentwatch.capture.identify;

import io.agentwatch.capture.decode.DecodedPacket;
import io.agentwatch.capture.decode.PacketDecoder;
import io.agentwatch.capture.source.PcapFileSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** UDP payloads of a capture, decoded with the sensor's own decoder, for parser tests and fuzz seeds. */
final class CorpusPackets {

  record UdpPayload(int srcPort, int dstPort, byte[] bytes) {}

  private CorpusPackets() {}

  static List<UdpPayload> udpPayloads(Path capture) throws Exception {
    List<UdpPayload> payloads = new ArrayList<>();
    PacketDecoder decoder = new PacketDecoder();
    DecodedPacket packet = new DecodedPacket();
    try (PcapFileSource source = PcapFileSource.open(capture)) {
      source.run((timestampNanos, linkType, data, offset, length) -> {
        if (decoder.decode(timestampNanos, linkType, data, offset, length, packet)
            && packet.protocol() == DecodedPacket.PROTOCOL_UDP && packet.capturedPayloadLength() > 0) {
          byte[] bytes = Arrays.copyOfRange(packet.data(), packet.payloadOffset(), packet.payloadOffset() + packet.capturedPayloadLength());
          payloads.add(new UdpPayload(packet.srcPort(), packet.dstPort(), bytes));
        }
      });
    }
    return payloads;
  }
}
