package io.agentwatch.capture.identify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentwatch.capture.Sensor;
import io.agentwatch.capture.SensorConfig;
import io.agentwatch.capture.export.InMemoryFlowSink;
import io.agentwatch.capture.source.DirectFileSource;
import io.agentwatch.capture.synth.SyntheticPcapWriter;
import io.agentwatch.capture.synth.TcpSession;
import io.agentwatch.capture.synth.TcpSessionBuilder;
import io.agentwatch.schema.Evidence;
import io.agentwatch.schema.FlowRecord;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The new catalog groups as a sensor identifies them: a TLS session to each name is written to a
 * capture (handshake, a ClientHello carrying the name — post-quantum sized, so it spans two TCP
 * segments and has to be reassembled — uploads, downloads, FIN), the capture is read by the real
 * sensor with the built-in catalog, and each record says vendor, service, resource and evidence.
 */
class CatalogIdentificationTest {

  /** What a user expects for each server name: vendor/service/category, and the resource or null. */
  private static final Map<String, String> EXPECTED = new LinkedHashMap<>();

  static {
    EXPECTED.put("bedrock-runtime.eu-central-1.amazonaws.com", "aws-bedrock/runtime/model-gateway eu-central-1");
    EXPECTED.put("us-central1-aiplatform.googleapis.com", "google-vertex-ai/vertex-ai/model-gateway us-central1");
    EXPECTED.put("aiplatform.googleapis.com", "google-vertex-ai/vertex-ai-global/model-gateway null");
    EXPECTED.put("q.eu-central-1.amazonaws.com", "amazon-q/q-developer/ide-assistant eu-central-1");
    EXPECTED.put("contoso-gpt.openai.azure.com", "azure-ai/azure-openai/model-gateway contoso-gpt");
    EXPECTED.put("contoso.services.ai.azure.com", "azure-ai/ai-foundry/model-gateway contoso");
    EXPECTED.put("api.moonshot.cn", "moonshot/api-cn/llm-api null");
    EXPECTED.put("api.moonshot.ai", "moonshot/api/llm-api null");
    EXPECTED.put("open.bigmodel.cn", "zhipu/bigmodel-api/llm-api null");
    EXPECTED.put("api.z.ai", "zhipu/zai-api/llm-api null");
    EXPECTED.put("qianfan.baidubce.com", "baidu-qianfan/qianfan-v2/llm-api null");
    EXPECTED.put("ark.cn-beijing.volces.com", "bytedance-volcengine/ark/model-gateway cn-beijing");
    EXPECTED.put("router.huggingface.co", "huggingface/inference-providers/model-gateway null");
    EXPECTED.put("my-endpoint.us-east-1.aws.endpoints.huggingface.cloud", "huggingface/inference-endpoints/model-gateway null");
    // Names the catalog must not claim: the wildcard stands for one label, never for none or two.
    EXPECTED.put("bedrock-runtime.eu-central-1.extra.amazonaws.com", "none");
    EXPECTED.put("-aiplatform.googleapis.com", "none");
    EXPECTED.put("openai.azure.com", "none");
  }

  @Test
  void aClientHelloForEachNewGroupIsIdentifiedWithVendorServiceAndResource() throws Exception {
    List<TcpSession> sessions = new ArrayList<>();
    int port = 40000;
    for (String name : EXPECTED.keySet()) {
      sessions.add(TcpSessionBuilder.between("10.0.0.7", port++, "203.0.113.10", 443)
          .startingAt(Instant.parse("2026-12-06T09:00:00Z").plusSeconds(sessions.size()))
          .serverName(name)
          .postQuantum(true)
          .upload(1400, 900)
          .download(2000)
          .build());
    }
    ByteArrayOutputStream capture = new ByteArrayOutputStream();
    try (SyntheticPcapWriter writer = new SyntheticPcapWriter(capture)) {
      writer.writeInTimeOrder(sessions);
    }

    InMemoryFlowSink sink = new InMemoryFlowSink();
    new Sensor(SensorConfig.defaults("catalog-test"), sink)
        .run(DirectFileSource.of("catalog.pcap", ByteBuffer.wrap(capture.toByteArray())));

    Map<String, String> identified = new LinkedHashMap<>();
    for (FlowRecord record : sink.records()) {
      identified.put(record.getSni(), describe(record));
    }
    assertEquals(EXPECTED, identified);
  }

  private static String describe(FlowRecord record) {
    if (record.getIdentifiedBy() == Evidence.NONE) {
      return "none";
    }
    assertEquals(Evidence.SNI, record.getIdentifiedBy(), record.getSni());
    return record.getVendor() + "/" + record.getService() + "/" + record.getCategory() + " " + record.getResource();
  }
}
