package io.agentwatch.schema;

import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;

/**
 * Avro 1.12 refuses to instantiate classes it has not been told to trust. The generated record
 * classes of this module are ours; every reader (codec, Flink serializers) calls {@link #ensure()}
 * before its first record, on whichever JVM it runs.
 */
public final class SchemaTrust {

  private static final String PACKAGE = FlowRecord.class.getPackageName();
  private static volatile boolean installed;

  private SchemaTrust() {}

  public static void ensure() {
    if (installed) {
      return;
    }
    synchronized (SchemaTrust.class) {
      if (!installed) {
        ClassSecurityPredicate previous = ClassSecurityValidator.getGlobal();
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(
            previous, type -> type.getPackageName().equals(PACKAGE)));
        installed = true;
      }
    }
  }
}
