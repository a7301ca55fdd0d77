package io.agentwatch.capture.identify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.capture.flow.InitiatorStream;
import io.agentwatch.capture.identify.TlsClientHello.Result;
import io.agentwatch.capture.identify.TlsClientHello.Status;
import io.agentwatch.capture.synth.ClientHelloBuilder;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TlsClientHelloTest {

  private static final byte[] HELLO = new ClientHelloBuilder().serverName("api.anthropic.com").alpn(List.of("h2", "http/1.1")).build();
  private static final int SEQ = 0xfffffff0; // close to wrap-around on purpose

  @Test
  void readsSniAndAlpnFromACompleteClientHello() {
    Result result = TlsClientHello.parse(HELLO, 0, HELLO.length);

    assertEquals(Status.CLIENT_HELLO, result.status());
    assertEquals("api.anthropic.com", result.sni());
    assertEquals(List.of("h2", "http/1.1"), result.alpn());
  }

  @Test
  void clientHelloWithoutServerNameHasNoSni() {
    byte[] hello = new ClientHelloBuilder().serverName(null).alpn(List.of()).build();
    Result result = TlsClientHello.parse(hello, 0, hello.length);

    assertEquals(Status.CLIENT_HELLO, result.status());
    assertNull(result.sni());
    assertEquals(List.of(), result.alpn());
  }

  @Test
  void everyPrefixIsIncompleteNeverWrong() {
    for (int length = 0; length < HELLO.length; length++) {
      assertEquals(Status.INCOMPLETE, TlsClientHello.parse(HELLO, 0, length).status(), "prefix of " + length + " bytes");
    }
  }

  @Test
  void splitAtEveryByteBoundaryAcrossTwoSegments() {
    for (int split = 1; split < HELLO.length; split++) {
      InitiatorStream stream = new InitiatorStream();
      stream.startAt(SEQ);
      stream.add(SEQ, HELLO, 0, split);
      assertEquals(Status.INCOMPLETE, parse(stream).status());
      stream.add(SEQ + split, HELLO, split, HELLO.length - split);
      assertEquals("api.anthropic.com", parse(stream).sni(), "split at " + split);
    }
  }

  @Test
  void segmentsArrivingOutOfOrderAreReassembled() {
    int split = HELLO.length / 3;
    InitiatorStream stream = new InitiatorStream();
    stream.startAt(SEQ);
    stream.add(SEQ + split, HELLO, split, HELLO.length - split);
    assertEquals(0, stream.length());
    stream.add(SEQ, HELLO, 0, split);
    assertEquals("api.anthropic.com", parse(stream).sni());
  }

  @Test
  void retransmittedAndOverlappingSegmentsAreIgnored() {
    int split = 100;
    InitiatorStream stream = new InitiatorStream();
    stream.startAt(SEQ);
    stream.add(SEQ, HELLO, 0, split);
    stream.add(SEQ, HELLO, 0, split); // plain retransmission
    stream.add(SEQ + 50, HELLO, 50, split); // overlapping retransmission reaching further
    stream.add(SEQ + 2 * split - 50, HELLO, 2 * split - 50, HELLO.length - (2 * split - 50));

    assertEquals(HELLO.length, stream.length());
    assertEquals("api.anthropic.com", parse(stream).sni());
  }

  @Test
  void aMissingSegmentGivesNoSni() {
    byte[] hello = new ClientHelloBuilder().serverName("api.openai.com").postQuantum(true).build();
    InitiatorStream stream = new InitiatorStream();
    stream.startAt(SEQ);
    stream.add(SEQ, hello, 0, 1000);
    stream.add(SEQ + 1400, hello, 1400, hello.length - 1400);

    Result result = parse(stream);
    assertEquals(Status.INCOMPLETE, result.status());
    assertNull(result.sni());
  }

  @Test
  void postQuantumClientHelloIsLargerThanOneSegment() {
    byte[] hello = new ClientHelloBuilder().serverName("api.openai.com").postQuantum(true).build();
    assertTrue(hello.length > 1460, "length " + hello.length);
    assertEquals("api.openai.com", TlsClientHello.parse(hello, 0, hello.length).sni());
  }

  @Test
  void clientHelloSpreadOverTwoRecordsIsRead() {
    int firstPart = 100;
    int helloLength = HELLO.length - 5;
    byte[] twoRecords = new byte[HELLO.length + 5];
    System.arraycopy(HELLO, 0, twoRecords, 0, 5 + firstPart);
    twoRecords[3] = (byte) (firstPart >>> 8);
    twoRecords[4] = (byte) firstPart;
    int second = 5 + firstPart;
    twoRecords[second] = 0x16;
    twoRecords[second + 1] = 3;
    twoRecords[second + 2] = 3;
    twoRecords[second + 3] = (byte) ((helloLength - firstPart) >>> 8);
    twoRecords[second + 4] = (byte) (helloLength - firstPart);
    System.arraycopy(HELLO, 5 + firstPart, twoRecords, second + 5, helloLength - firstPart);

    assertEquals("api.anthropic.com", TlsClientHello.parse(twoRecords, 0, twoRecords.length).sni());
    assertEquals(Status.INCOMPLETE, TlsClientHello.parse(twoRecords, 0, twoRecords.length - 1).status());
  }

  @Test
  void otherProtocolsAreNotTls() {
    byte[] http = "GET / HTTP/1.1\r\nHost: api.anthropic.com\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    assertEquals(Status.NOT_TLS, TlsClientHello.parse(http, 0, http.length).status());
  }

  @Test
  void garbageNeverThrows() {
    Random random = new Random(42);
    for (int i = 0; i < 20_000; i++) {
      byte[] garbage = new byte[random.nextInt(600)];
      random.nextBytes(garbage);
      if (garbage.length > 5 && random.nextBoolean()) {
        garbage[0] = 0x16;
        garbage[1] = 3;
        garbage[5] = 1;
      }
      TlsClientHello.parse(garbage, 0, garbage.length);
    }
    for (int at = 0; at < HELLO.length; at++) {
      for (int value : new int[] {0x00, 0x01, 0x7f, 0x80, 0xff}) {
        byte[] mutated = HELLO.clone();
        mutated[at] = (byte) value;
        Result result = TlsClientHello.parse(mutated, 0, mutated.length);
        if (result.sni() != null) {
          assertTrue(result.sni().chars().allMatch(c -> c > 0x20 && c < 0x7f), result.sni());
        }
      }
    }
    assertEquals(Status.MALFORMED, TlsClientHello.parse(HELLO, 10, HELLO.length).status(), "bad bounds");
    assertEquals(Status.MALFORMED, TlsClientHello.parse(null, 0, 0).status());
    byte[] truncatedExtensions = Arrays.copyOf(HELLO, HELLO.length);
    truncatedExtensions[HELLO.length - 40] = (byte) 0xff; // inside the key share: a length now runs over
    TlsClientHello.parse(truncatedExtensions, 0, truncatedExtensions.length);
  }

  private static Result parse(InitiatorStream stream) {
    return TlsClientHello.parse(stream.bytes(), 0, stream.length());
  }
}
