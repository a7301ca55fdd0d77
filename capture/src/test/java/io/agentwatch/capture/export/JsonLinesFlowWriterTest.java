package io.agentwatch.capture.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentwatch.schema.EndReason;
import io.agentwatch.schema.Evidence;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.Transport;
import java.io.StringWriter;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class JsonLinesFlowWriterTest {

  private static FlowRecord.Builder record() {
    return FlowRecord.newBuilder()
        .setSensorId("s1").setSequence(1).setHost("172.16.121.155")
        .setSrcIp("172.16.121.155").setSrcPort(3923).setDstIp("87.106.189.123").setDstPort(443)
        .setTransport(Transport.TCP)
        .setFirstSeen(Instant.parse("2015-10-20T07:09:33.614159Z"))
        .setLastSeen(Instant.parse("2015-10-20T07:09:34.1Z"))
        .setPacketsUp(14).setPacketsDown(18).setBytesUp(2170).setBytesDown(8910)
        .setEndReason(EndReason.ACTIVE_TIMEOUT);
  }

  @Test
  void writesOneObjectPerLineWithTheContractFieldOrder() {
    StringWriter out = new StringWriter();
    try (JsonLinesFlowWriter writer = new JsonLinesFlowWriter(out)) {
      writer.accept(record().setSni("api.anthropic.com").setVendor("anthropic").setService("api").setIdentifiedBy(Evidence.SNI)
          .setAlpn("h2,http/1.1").setJa4("t13d1516h2_8daaf6152771_e5627efa2ab1").setCategory("llm-api").setEch(true)
          .setCommunityId("1:9TmnpylCLdB33b07wq4hbO/5qWI=").setConfidence("lowest").build());
      writer.accept(record().setIdentifiedBy(Evidence.NONE).setEndReason(EndReason.END_OF_CAPTURE).build());
    }

    assertEquals(
        "{\"src_ip\":\"172.16.121.155\",\"src_port\":3923,\"dst_ip\":\"87.106.189.123\",\"dst_port\":443,\"transport\":\"tcp\","
            + "\"packets_up\":14,\"packets_down\":18,\"bytes_up\":2170,\"bytes_down\":8910,"
            + "\"first_seen\":\"2015-10-20T07:09:33.614159Z\",\"last_seen\":\"2015-10-20T07:09:34.100000Z\","
            + "\"sni\":\"api.anthropic.com\",\"vendor\":\"anthropic\",\"service\":\"api\",\"identified_by\":\"sni\",\"end_reason\":\"active-timeout\","
            + "\"alpn\":\"h2,http/1.1\",\"ja4\":\"t13d1516h2_8daaf6152771_e5627efa2ab1\",\"dns_name\":null,\"category\":\"llm-api\","
            + "\"ech\":true,\"community_id\":\"1:9TmnpylCLdB33b07wq4hbO/5qWI=\",\"confidence\":\"lowest\",\"resource\":null,\"catalog_version\":\"\"}\n"
            + "{\"src_ip\":\"172.16.121.155\",\"src_port\":3923,\"dst_ip\":\"87.106.189.123\",\"dst_port\":443,\"transport\":\"tcp\","
            + "\"packets_up\":14,\"packets_down\":18,\"bytes_up\":2170,\"bytes_down\":8910,"
            + "\"first_seen\":\"2015-10-20T07:09:33.614159Z\",\"last_seen\":\"2015-10-20T07:09:34.100000Z\","
            + "\"sni\":null,\"vendor\":null,\"service\":null,\"identified_by\":\"none\",\"end_reason\":\"end-of-capture\","
            + "\"alpn\":null,\"ja4\":null,\"dns_name\":null,\"category\":null,"
            + "\"ech\":false,\"community_id\":null,\"confidence\":null,\"resource\":null,\"catalog_version\":\"\"}\n",
        out.toString());
  }
}
