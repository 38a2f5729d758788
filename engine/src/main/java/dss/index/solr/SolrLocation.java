package dss.index.solr;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Where a Solr-backed index lives: {@code solr://HOST:PORT/COLLECTION} (Solr under its usual {@code
 * /solr} path) or {@code solr://HOST:PORT/CONTEXT/COLLECTION}; {@code solrs://} for HTTPS.
 *
 * @param baseUrl the node's Solr URL, e.g. {@code http://127.0.0.1:8983/solr}
 * @param collection the collection's name
 */
public record SolrLocation(String baseUrl, String collection) {
  public static boolean isSolr(String location) {
    return location != null && (location.startsWith("solr:") || location.startsWith("solrs:"));
  }

  /**
   * @throws IllegalArgumentException naming the expected form when {@code location} is not one
   */
  public static SolrLocation parse(String location) {
    String expected = "expected solr://HOST:PORT/COLLECTION, got '" + location + "'";
    URI uri;
    try {
      uri = new URI(location);
    } catch (URISyntaxException e) {
      throw new dss.util.InvalidSettingException(expected);
    }
    String scheme = "solrs".equals(uri.getScheme()) ? "https" : "http";
    String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("/+$", "");
    int slash = path.lastIndexOf('/');
    if (uri.getHost() == null || uri.getPort() < 0 || slash < 0 || uri.getQuery() != null) {
      throw new dss.util.InvalidSettingException(expected);
    }
    String collection = path.substring(slash + 1);
    if (!collection.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
      throw new dss.util.InvalidSettingException(
          "a Solr collection name is letters, digits, '.', '_' and '-' (" + expected + ")");
    }
    String context = slash == 0 ? "/solr" : path.substring(0, slash);
    String host =
        uri.getHost().contains(":") && !uri.getHost().startsWith("[")
            ? "[" + uri.getHost() + "]"
            : uri.getHost();
    return new SolrLocation(scheme + "://" + host + ":" + uri.getPort() + context, collection);
  }

  /** The form the user gives, for messages. */
  @Override
  public String toString() {
    URI base = URI.create(baseUrl);
    String context = "/solr".equals(base.getPath()) ? "" : base.getPath();
    return ("https".equals(base.getScheme()) ? "solrs" : "solr")
        + "://"
        + base.getHost()
        + ":"
        + base.getPort()
        + context
        + "/"
        + collection;
  }
}
