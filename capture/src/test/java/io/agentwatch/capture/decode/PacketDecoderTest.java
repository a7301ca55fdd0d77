package io.agentwatch.capture.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.capture.decode.DecodeStats.SkipReason;
import io.agentwatch.capture.synth.FrameBuilder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PacketDecoderTest {

  private final PacketDecoder decoder = new PacketDecoder();
  private final DecodedPacket packet = new DecodedPacket();
  private final byte[] tcpFrame = new FrameBuilder().tcp("192.0.2.1", 40000, "198.51.100.7", 443, 1000, 0, 0x18, new byte[100]);

  private boolean decode(int linkType, byte[] frame) {
    return decoder.decode(1234L, linkType, frame, 0, frame.length, packet);
  }

  private static byte[] concat(byte[] head, byte[] tail) {
    byte[] joined = Arrays.copyOf(head, head.length + tail.length);
    System.arraycopy(tail, 0, joined, head.length, tail.length);
    return joined;
  }

  private static byte[] ipOf(byte[] ethernetFrame) {
    return Arrays.copyOfRange(ethernetFrame, 14, ethernetFrame.length);
  }

  private void assertTcpPacket() {
    assertEquals(4, packet.ipVersion());
    assertEquals(0xc0000201L, packet.srcLo());
    assertEquals(40000, packet.srcPort());
    assertEquals(443, packet.dstPort());
    assertEquals(DecodedPacket.PROTOCOL_TCP, packet.protocol());
    assertEquals(140, packet.l3Length());
    assertEquals(100, packet.payloadLength());
    assertEquals(1000, packet.tcpSeq());
    assertEquals(0x18, packet.tcpFlags());
    assertEquals(1234L, packet.timestampNanos());
  }

  @Test
  void ethernetIpv4Tcp() {
    assertTrue(decode(PacketDecoder.DLT_EN10MB, tcpFrame));
    assertTcpPacket();
    assertEquals(0, packet.vlanId());
    assertEquals(54, packet.payloadOffset());
  }

  @Test
  void qinqKeepsTheOuterVlanId() {
    byte[] inner = new FrameBuilder(100).tcp("192.0.2.1", 40000, "198.51.100.7", 443, 1000, 0, 0x18, new byte[100]);
    byte[] outerTag = {(byte) 0x88, (byte) 0xa8, 0x00, (byte) 200};
    byte[] frame = concat(concat(Arrays.copyOf(inner, 12), outerTag), Arrays.copyOfRange(inner, 12, inner.length));

    assertTrue(decode(PacketDecoder.DLT_EN10MB, frame));
    assertEquals(200, packet.vlanId());
    assertTcpPacket();
  }

  @Test
  void rawIpLinkTypes() {
    for (int linkType : new int[] {PacketDecoder.DLT_RAW, PacketDecoder.DLT_RAW_BSD, PacketDecoder.LINKTYPE_RAW}) {
      assertTrue(decode(linkType, ipOf(tcpFrame)), "link type " + linkType);
      assertTcpPacket();
    }
  }

  @Test
  void linuxCookedV1AndV2() {
    byte[] sll = new byte[16];
    sll[14] = 0x08;
    assertTrue(decode(PacketDecoder.DLT_LINUX_SLL, concat(sll, ipOf(tcpFrame))));
    assertTcpPacket();

    byte[] sll2 = new byte[20];
    sll2[0] = 0x08;
    assertTrue(decode(PacketDecoder.DLT_LINUX_SLL2, concat(sll2, ipOf(tcpFrame))));
    assertTcpPacket();
  }

  @Test
  void bsdLoopbackInEitherByteOrder() {
    assertTrue(decode(PacketDecoder.DLT_NULL, concat(new byte[] {2, 0, 0, 0}, ipOf(tcpFrame))));
    assertTcpPacket();
    assertTrue(decode(PacketDecoder.DLT_NULL, concat(new byte[] {0, 0, 0, 2}, ipOf(tcpFrame))));
    assertTcpPacket();
  }

  // FrameBuilder sends every frame from 02:00:00:00:00:01 to 02:00:00:00:00:02.
  private static final long CLIENT_MAC = 0x02_00_00_00_00_01L;
  private static final long SERVER_MAC = 0x02_00_00_00_00_02L;

  @Test
  void ethernetFramesGiveBothMacs() {
    assertTrue(decode(PacketDecoder.DLT_EN10MB, tcpFrame));
    assertEquals(CLIENT_MAC, packet.srcMac());
    assertEquals(SERVER_MAC, packet.dstMac());

    byte[] tagged = new FrameBuilder(100).tcp("192.0.2.1", 40000, "198.51.100.7", 443, 1000, 0, 0x18, new byte[100]);
    tagged[0] = (byte) 0xfe;
    tagged[11] = (byte) 0xab;
    assertTrue(decode(PacketDecoder.DLT_EN10MB, tagged));
    assertEquals(0x02_00_00_00_00_abL, packet.srcMac());
    assertEquals(0xfe_00_00_00_00_02L, packet.dstMac());
    assertEquals(100, packet.vlanId());
  }

  @Test
  void linuxCookedCapturesGiveOnlyTheSendersMacAndOnlyASixByteOne() {
    byte[] sll = new byte[16];
    sll[5] = 6; // address length
    byte[] mac = {0x3c, 0x22, (byte) 0xfb, 0x01, 0x02, 0x03};
    System.arraycopy(mac, 0, sll, 6, 6);
    sll[14] = 0x08;
    assertTrue(decode(PacketDecoder.DLT_LINUX_SLL, concat(sll, ipOf(tcpFrame))));
    assertEquals(0x3c_22_fb_01_02_03L, packet.srcMac());
    assertEquals(0, packet.dstMac());

    byte[] sll2 = new byte[20];
    sll2[0] = 0x08;
    sll2[11] = 6;
    System.arraycopy(mac, 0, sll2, 12, 6);
    assertTrue(decode(PacketDecoder.DLT_LINUX_SLL2, concat(sll2, ipOf(tcpFrame))));
    assertEquals(0x3c_22_fb_01_02_03L, packet.srcMac());
    assertEquals(0, packet.dstMac());

    sll[5] = 0; // a tunnel interface: no link-layer address, the slot holds leftovers
    assertTrue(decode(PacketDecoder.DLT_LINUX_SLL, concat(sll, ipOf(tcpFrame))));
    assertEquals(0, packet.srcMac());
  }

  @Test
  void linkTypesWithoutMacsGiveZeroEvenAfterAnEthernetFrame() {
    assertTrue(decode(PacketDecoder.DLT_EN10MB, tcpFrame));
    assertTrue(decode(PacketDecoder.DLT_RAW, ipOf(tcpFrame)));
    assertEquals(0, packet.srcMac());
    assertEquals(0, packet.dstMac());

    assertTrue(decode(PacketDecoder.DLT_EN10MB, tcpFrame));
    assertTrue(decode(PacketDecoder.DLT_NULL, concat(new byte[] {2, 0, 0, 0}, ipOf(tcpFrame))));
    assertEquals(0, packet.srcMac());
    assertEquals(0, packet.dstMac());
  }

  @Test
  void ipv4OptionsAreSkippedByTheHeaderLength() {
    byte[] ip = ipOf(tcpFrame);
    byte[] withOptions = concat(concat(Arrays.copyOf(ip, 20), new byte[] {1, 1, 1, 0}), Arrays.copyOfRange(ip, 20, ip.length));
    withOptions[0] = 0x46;
    withOptions[3] = (byte) (140 + 4);

    assertTrue(decode(PacketDecoder.DLT_RAW, withOptions));
    assertEquals(144, packet.l3Length());
    assertEquals(443, packet.dstPort());
    assertEquals(100, packet.payloadLength());
  }

  @Test
  void ethernetPaddingIsNotCounted() {
    byte[] ack = new FrameBuilder().tcp("192.0.2.1", 40000, "198.51.100.7", 443, 1, 1, 0x10, new byte[0]);
    assertTrue(decode(PacketDecoder.DLT_EN10MB, concat(ack, new byte[6])));
    assertEquals(40, packet.l3Length());
    assertEquals(0, packet.payloadLength());
    assertEquals(0, packet.capturedPayloadLength());
  }

  @Test
  void ipv6WithHopByHopHeader() {
    byte[] ip = new byte[40 + 8 + 8 + 5];
    ip[0] = 0x60;
    ip[5] = (byte) (8 + 8 + 5);
    ip[6] = 0; // hop-by-hop
    ip[7] = 64;
    ip[8] = 0x20;
    ip[9] = 0x01;
    ip[39] = 1;
    ip[40] = 17; // next: UDP
    ip[48] = 0x30;
    ip[49] = 0x39; // src port 12345
    ip[51] = 53;
    ip[53] = 8 + 5;

    assertTrue(decode(PacketDecoder.DLT_RAW, ip));
    assertEquals(6, packet.ipVersion());
    assertEquals(0x2001L << 48, packet.srcHi());
    assertEquals(1, packet.dstLo());
    assertEquals(DecodedPacket.PROTOCOL_UDP, packet.protocol());
    assertEquals(12345, packet.srcPort());
    assertEquals(53, packet.dstPort());
    assertEquals(40 + 21, packet.l3Length());
    assertEquals(5, packet.payloadLength());
  }

  @Test
  void framesWithoutTcpOrUdpAreCountedByReason() {
    byte[] arp = Arrays.copyOf(tcpFrame, 42);
    arp[12] = 0x08;
    arp[13] = 0x06;
    assertFalse(decode(PacketDecoder.DLT_EN10MB, arp));

    byte[] icmp = tcpFrame.clone();
    icmp[14 + 9] = 1;
    assertFalse(decode(PacketDecoder.DLT_EN10MB, icmp));

    byte[] gre = tcpFrame.clone();
    gre[14 + 9] = 47;
    assertFalse(decode(PacketDecoder.DLT_EN10MB, gre));

    assertFalse(decode(PacketDecoder.DLT_EN10MB, Arrays.copyOf(tcpFrame, 14 + 20 + 10)));
    assertFalse(decode(PacketDecoder.DLT_EN10MB, Arrays.copyOf(tcpFrame, 10)));

    byte[] badLength = tcpFrame.clone();
    badLength[14 + 2] = 0;
    badLength[14 + 3] = 10;
    assertFalse(decode(PacketDecoder.DLT_EN10MB, badLength));

    byte[] laterFragment = tcpFrame.clone();
    laterFragment[14 + 6] = 0x00;
    laterFragment[14 + 7] = 0x10;
    assertFalse(decode(PacketDecoder.DLT_EN10MB, laterFragment));

    assertFalse(decode(147, tcpFrame));

    DecodeStats stats = decoder.stats();
    assertEquals(1, stats.skipped(SkipReason.NOT_IP));
    assertEquals(1, stats.skipped(SkipReason.ICMP));
    assertEquals(1, stats.skipped(SkipReason.UNSUPPORTED_TRANSPORT));
    assertEquals(2, stats.skipped(SkipReason.TRUNCATED));
    assertEquals(1, stats.skipped(SkipReason.BAD_HEADER));
    assertEquals(1, stats.skipped(SkipReason.FRAGMENT));
    assertEquals(1, stats.skipped(SkipReason.UNSUPPORTED_LINK));
    assertEquals(0, stats.decodedPackets());
    assertEquals(1L, stats.skippedByReason().get("unsupported-transport"));
  }

  @Test
  void garbageNeverThrows() {
    java.util.Random random = new java.util.Random(3);
    for (int i = 0; i < 20_000; i++) {
      byte[] frame = tcpFrame.clone();
      for (int flips = 0; flips < 4; flips++) {
        frame[random.nextInt(54)] = (byte) random.nextInt(256);
      }
      int length = random.nextInt(frame.length + 1);
      for (int linkType : new int[] {0, 1, 12, 113, 276}) {
        decoder.decode(0, linkType, frame, 0, length, packet);
      }
    }
  }
}
