package io.agentwatch.capture.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.capture.decode.PacketDecoder;
import io.agentwatch.capture.testing.Corpus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PcapFileSourceTest {

  @Test
  void deliversEveryFrameWithNanosecondTimesAndLinkType() throws Exception {
    List<Long> times = new ArrayList<>();
    List<Integer> linkTypes = new ArrayList<>();
    try (PcapFileSource source = PcapFileSource.open(Corpus.file("flowtest/pcap/tls12.pcap"))) {
      long delivered = source.run((time, linkType, data, offset, length) -> {
        times.add(time);
        linkTypes.add(linkType);
      });
      assertEquals(26, delivered);
    }
    assertEquals(26, times.size());
    assertTrue(linkTypes.stream().allMatch(type -> type == PacketDecoder.DLT_EN10MB));
    assertTrue(times.get(0) > 1_000_000_000L * 1_000_000_000L, "epoch nanoseconds: " + times.get(0));
  }

  @Test
  void readsPcapng() throws Exception {
    try (PcapFileSource source = PcapFileSource.open(Corpus.file("ndpi/pcap/quic-v2.pcapng"))) {
      assertEquals(PacketDecoder.DLT_LINUX_SLL, source.linkType());
      assertEquals(19, source.run((time, linkType, data, offset, length) -> {}));
    }
  }
}
