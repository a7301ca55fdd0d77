package io.agentwatch.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class FlowColumnsTest {

  /** Columns the store keeps that are not a field of the record: filled by the store, or derived. */
  private static final Set<String> NOT_AVRO_FIELDS = Set.of("ingested_at", "src_pseudonym", "community_id_sha1", "community_id_other",
      "community_id_from_tuple");

  @Test
  void everyFieldOfTheAvroSchemaHasItsColumnInSchemaOrder() {
    List<String> avroFields = FlowRecord.getClassSchema().getFields().stream().map(Schema.Field::name).toList();
    List<String> recordColumns = FlowColumns.ALL.stream().map(FlowColumns.Column::name)
        .filter(name -> !NOT_AVRO_FIELDS.contains(name)).toList();
    assertEquals(avroFields, recordColumns);
  }

  @Test
  void textOutputsAreColumnsTheRecordCarries() {
    for (FlowColumns.Column column : FlowColumns.TEXT_OUTPUTS) {
      assertTrue(column.ofTheRecord(), column.name());
    }
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> FlowColumns.named("src_addr"));
    assertTrue(error.getMessage().startsWith("'src_addr' is not a flow column"), error.getMessage());
  }

  @Test
  void enumTextsAreLowerCaseWithHyphens() {
    assertEquals("ip-range", FlowText.of(Evidence.IP_RANGE));
    assertEquals("end-of-capture", FlowText.of(EndReason.END_OF_CAPTURE));
    assertEquals(EndReason.ACTIVE_TIMEOUT, FlowText.parse(EndReason.class, "active-timeout"));
  }
}
