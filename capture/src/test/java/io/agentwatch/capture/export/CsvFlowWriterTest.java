package io.agentwatch.capture.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentwatch.schema.EndReason;
import io.agentwatch.schema.Evidence;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.Transport;
import java.io.StringWriter;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CsvFlowWriterTest {

  @Test
  void writesTheHeaderThenEveryFieldOfEachRecordIncludingTheFlag() {
    StringWriter out = new StringWriter();
    try (CsvFlowWriter writer = new CsvFlowWriter(out)) {
      writer.accept(FlowRecord.newBuilder()
          .setSensorId("s1").setSequence(1).setHost("172.16.121.155")
          .setSrcIp("172.16.121.155").setSrcPort(3923).setDstIp("87.106.189.123").setDstPort(443)
          .setTransport(Transport.TCP)
          .setFirstSeen(Instant.parse("2015-10-20T07:09:33.614159Z"))
          .setLastSeen(Instant.parse("2015-10-20T07:09:34.1Z"))
          .setPacketsUp(14).setPacketsDown(18).setBytesUp(2170).setBytesDown(8910)
          .setSni("api.anthropic.com").setVendor("anthropic").setService("api").setIdentifiedBy(Evidence.SNI)
          .setEndReason(EndReason.FIN).setAlpn("h2,http/1.1").setEch(true).setConfidence("lowest").build());
    }

    assertEquals(
        "src_ip,src_port,dst_ip,dst_port,transport,packets_up,packets_down,bytes_up,bytes_down,first_seen,last_seen,"
            + "sni,vendor,service,identified_by,end_reason,alpn,ja4,dns_name,category,ech,community_id,confidence,resource,catalog_version\n"
            + "172.16.121.155,3923,87.106.189.123,443,tcp,14,18,2170,8910,2015-10-20T07:09:33.614159Z,2015-10-20T07:09:34.100000Z,"
            + "api.anthropic.com,anthropic,api,sni,fin,\"h2,http/1.1\",,,,true,,lowest,,\n",
        out.toString());
  }
}
