package dss.index.solr;

import dss.index.IndexConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The configset that the engine ships and uploads when it creates a collection: {@code
 * solrconfig.xml} and {@code managed-schema.xml} from this package's {@code configset/} resources,
 * the schema's vector dimensions and HNSW parameters filled in from the model and the index
 * configuration. Named {@code dreamsim-COLLECTION}: each collection has its own, since the vector
 * dimension is part of the schema.
 */
final class SolrConfigSet {
  static final String[] FILES = {"solrconfig.xml", "managed-schema.xml"};

  private SolrConfigSet() {}

  static String name(String collection) {
    return "dreamsim-" + collection;
  }

  /** The files, filled in. */
  static Map<String, String> files(int dimensions, IndexConfig config) {
    Map<String, String> files = new LinkedHashMap<>();
    for (String file : FILES) {
      files.put(
          file,
          resource(file)
              .replace("@DIMENSIONS@", Integer.toString(dimensions))
              .replace("@HNSW_M@", Integer.toString(config.maxConn()))
              .replace("@HNSW_BEAM@", Integer.toString(config.beamWidth())));
    }
    return files;
  }

  /** The files as the zip that the Configsets API takes. */
  static byte[] zip(int dimensions, IndexConfig config) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (Map.Entry<String, String> file : files(dimensions, config).entrySet()) {
        zip.putNextEntry(new ZipEntry(file.getKey()));
        zip.write(file.getValue().getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in memory
    }
    return bytes.toByteArray();
  }

  static String resource(String file) {
    try (InputStream in = SolrConfigSet.class.getResourceAsStream("configset/" + file)) {
      if (in == null)
        throw new IllegalStateException("configset/" + file + " is missing from the engine's jar");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
