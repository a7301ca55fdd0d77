package io.agentwatch.capture.source;

import com.sun.jna.NativeLibrary;

/**
 * Tells a missing libpcap apart from other failures of pcap4j, which reports it in misleading
 * words ("pcap_open_offline_with_tstamp_precision is not supported by the pcap library installed",
 * or a NoClassDefFoundError of its NativeMappings).
 */
final class Libpcap {

  /** The library name pcap4j loads (its own property, so a test or a user can point it elsewhere). */
  private static final String NAME = System.getProperty("org.pcap4j.core.pcapLibName", "pcap");

  static final String NOT_FOUND = "libpcap not found: install libpcap0.8 (apt-get install libpcap0.8; "
      + "dnf install libpcap on Fedora/RHEL)";

  private Libpcap() {}

  /** True when libpcap cannot be loaded at all; asked only after pcap4j failed, so it costs nothing otherwise. */
  static boolean isMissing() {
    try {
      NativeLibrary.getInstance(NAME);
      return false;
    } catch (UnsatisfiedLinkError e) {
      return true;
    }
  }
}
