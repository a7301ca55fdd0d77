package io.agentwatch.capture.catalog;

import io.agentwatch.capture.identify.CatalogException;
import io.agentwatch.capture.identify.EndpointCatalog;
import io.agentwatch.capture.identify.EndpointCatalogFile;
import io.agentwatch.schema.CatalogText;
import io.agentwatch.schema.PublishedCatalog;
import io.agentwatch.schema.SingleObjectCodec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Between an {@link EndpointCatalog} and the {@link PublishedCatalog} on the topic: each file in
 * its canonical text, read back by the same reader (with every check) as a file on disk.
 */
public final class PublishedCatalogs {

  private static final SingleObjectCodec<PublishedCatalog> CODEC = SingleObjectCodec.publishedCatalogs();

  private PublishedCatalogs() {}

  /** The catalog as it goes on the topic. */
  public static PublishedCatalog of(EndpointCatalog catalog, String publisher, Instant publishedAt) {
    List<CatalogText> files = new ArrayList<>();
    for (int i = 0; i < catalog.files().size(); i++) {
      files.add(new CatalogText(catalog.files().get(i).name(), catalog.canonicalTexts().get(i)));
    }
    return new PublishedCatalog(catalog.version(), publishedAt, publisher, files);
  }

  public static byte[] encode(PublishedCatalog published) {
    return CODEC.encode(published);
  }

  /** @throws CatalogException naming what is wrong: not a catalog message, or an unknown version of one */
  public static PublishedCatalog decode(byte[] message) {
    try {
      return CODEC.decode(message);
    } catch (SingleObjectCodec.MalformedMessageException e) {
      throw new CatalogException("not a published catalog: " + e.getMessage(), e);
    }
  }

  /**
   * The catalog a publication describes, read and checked like files on disk; its content must
   * hash to the version it claims.
   *
   * @throws CatalogException naming the file, the line and the problem
   */
  public static EndpointCatalog catalog(PublishedCatalog published) {
    if (published.getFiles().isEmpty()) {
      throw new CatalogException("the published catalog holds no files", null);
    }
    List<EndpointCatalogFile> files = new ArrayList<>();
    for (CatalogText file : published.getFiles()) {
      files.add(EndpointCatalogFile.read("published " + file.getName(), file.getText()));
    }
    EndpointCatalog catalog = EndpointCatalog.of(files);
    if (!catalog.version().equals(published.getVersion())) {
      throw new CatalogException("its content has version " + catalog.version() + ", not the " + published.getVersion()
          + " it claims (altered or truncated on the way)", null);
    }
    return catalog;
  }
}
