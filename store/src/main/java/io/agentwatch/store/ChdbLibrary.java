package io.agentwatch.store;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;

/**
 * Finds and loads {@code libchdb.so}, the ClickHouse engine as a library (chDB), once per JVM.
 *
 * <p>Where it looks, first match wins: the system property {@value #LIBRARY_PROPERTY}, the
 * environment variable {@value #LIBRARY_ENV}, then the cache that {@code deploy/chdb/fetch-libchdb.sh}
 * fills: {@code ${AGENTWATCH_CACHE:-~/.cache/agentwatch}/chdb/}{@value #PINNED_VERSION}{@code
 * /libchdb.so}.
 */
public final class ChdbLibrary {

  public static final String PINNED_VERSION = "26.7.3-stable.1";
  public static final String LIBRARY_PROPERTY = "agentwatch.chdb.lib";
  public static final String LIBRARY_ENV = "AGENTWATCH_CHDB_LIB";
  public static final String CACHE_ENV = "AGENTWATCH_CACHE";

  /**
   * The part of the C API (header {@code chdb.h} of chdb-io/chdb-core) the store uses. size_t is
   * mapped to long: the library ships for 64-bit Linux only.
   */
  interface Api extends Library {
    String chdb_version();

    void chdb_set_signal_handlers_enabled(int enabled);

    /** Returns a {@code chdb_connection*}: dereference once for the handle the query calls take. */
    Pointer chdb_connect(int argc, String[] argv);

    void chdb_close_conn(Pointer connectionPointer);

    Pointer chdb_query_n(Pointer connection, byte[] query, long queryLength, byte[] format, long formatLength);

    Pointer chdb_result_buffer(Pointer result);

    long chdb_result_length(Pointer result);

    String chdb_result_error(Pointer result);

    void chdb_destroy_query_result(Pointer result);

    long chdb_result_rows_read(Pointer result);

    long chdb_result_bytes_read(Pointer result);

    /** Seconds. */
    double chdb_result_elapsed(Pointer result);

    /** Begins an INSERT whose data comes in chunks; never NULL, check chdb_stream_insert_error. */
    Pointer chdb_stream_insert_n(Pointer connection, byte[] query, long queryLength, byte[] format, long formatLength);

    /** 0 (CHDBSuccess) or 1 (CHDBError). */
    int chdb_stream_append(Pointer stream, Pointer data, long length);

    /** Commits; returns a result to check and destroy. */
    Pointer chdb_stream_done(Pointer stream);

    String chdb_stream_insert_error(Pointer stream);

    void chdb_destroy_insert_stream(Pointer stream);
  }

  private static Api loaded;

  private ChdbLibrary() {}

  /** Where the library is expected, from the system property, the environment, or the cache. */
  public static Path resolve() {
    return resolve(System.getProperties().getProperty(LIBRARY_PROPERTY), System.getenv(), System.getProperty("user.home"));
  }

  static Path resolve(String property, Map<String, String> env, String userHome) {
    if (property != null && !property.isBlank()) {
      return Paths.get(property);
    }
    String fromEnv = env.get(LIBRARY_ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Paths.get(fromEnv);
    }
    String cache = env.get(CACHE_ENV);
    Path cacheRoot = cache != null && !cache.isBlank() ? Paths.get(cache) : Paths.get(userHome, ".cache", "agentwatch");
    return cacheRoot.resolve("chdb").resolve(PINNED_VERSION).resolve("libchdb.so");
  }

  /**
   * Loads the library on first use. chDB's own signal handlers are switched off before anything
   * connects: the JVM uses SIGSEGV and friends itself (safepoints, implicit null checks), and a
   * library that takes them over turns ordinary JVM events into crashes.
   */
  static synchronized Api api() throws StoreException {
    if (loaded != null) {
      return loaded;
    }
    loaded = load(resolve());
    return loaded;
  }

  static Api load(Path library) throws StoreException {
    if (!Files.isRegularFile(library)) {
      throw new StoreException(
          "chDB library not found at " + library + " (looked at system property " + LIBRARY_PROPERTY
              + ", then env " + LIBRARY_ENV + ", then ${" + CACHE_ENV + ":-~/.cache/agentwatch}/chdb/" + PINNED_VERSION
              + "/libchdb.so); run deploy/chdb/fetch-libchdb.sh to fetch it, or point " + LIBRARY_ENV + " at your own copy",
          false);
    }
    try {
      Api api = Native.load(library.toAbsolutePath().toString(), Api.class);
      api.chdb_set_signal_handlers_enabled(0);
      return api;
    } catch (UnsatisfiedLinkError e) {
      throw new StoreException("cannot load chDB library " + library + ": " + e.getMessage(), false, e);
    }
  }

  /** The version the loaded library reports, e.g. "26.7.3". */
  public static String version() throws StoreException {
    return api().chdb_version();
  }
}
