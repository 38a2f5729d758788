package dss.index.solr;

import dss.util.InvalidSettingException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Where a Solr-backed index lives: {@code solr://HOST:PORT[,HOST:PORT...]/COLLECTION} (Solr under
 * its usual {@code /solr} path) or {@code solr://HOST:PORT/CONTEXT/COLLECTION}; {@code solrs://}
 * for HTTPS. Several seed hosts are tried in turn until one answers (any node of the cluster will
 * do: the others are learnt from it). Optional query parameters set the timeouts in seconds: {@code
 * ?connect-timeout=3&read-timeout=30&retry=30} (see {@link Timeouts}).
 *
 * @param baseUrls the seed nodes' Solr URLs, e.g. {@code http://127.0.0.1:8983/solr}, in the order
 *     given
 * @param collection the collection's name
 * @param timeouts how long a request waits and retries
 */
public record SolrLocation(List<String> baseUrls, String collection, Timeouts timeouts) {
  static final String FORM = "solr://HOST:PORT[,HOST:PORT...]/COLLECTION";

  public SolrLocation {
    baseUrls = List.copyOf(baseUrls);
  }

  /**
   * Timeouts of every request to the cluster.
   *
   * @param connect how long opening a connection to one node may take
   * @param read how long one node may take to answer a query or a status request (writes and admin
   *     operations that legitimately take longer have their own, longer limits)
   * @param retry how long a request keeps retrying while nodes answer with errors (HTTP 5xx, a node
   *     that timed out); when no node accepts a connection at all, the request fails at once
   */
  public record Timeouts(Duration connect, Duration read, Duration retry) {
    /**
     * 3 s, 30 s and 30 s, or the {@code dss.solr.connectTimeoutSeconds}, {@code
     * dss.solr.readTimeoutSeconds}, {@code dss.solr.retrySeconds} system properties.
     */
    public static Timeouts defaults() {
      return new Timeouts(
          Duration.ofSeconds(Long.getLong("dss.solr.connectTimeoutSeconds", 3)),
          Duration.ofSeconds(Long.getLong("dss.solr.readTimeoutSeconds", 30)),
          Duration.ofSeconds(Long.getLong("dss.solr.retrySeconds", 30)));
    }
  }

  private static final Map<String, String> PARAMETERS =
      Map.of("connect-timeout", "connect", "read-timeout", "read", "retry", "retry");

  public static boolean isSolr(String location) {
    return location != null && (location.startsWith("solr:") || location.startsWith("solrs:"));
  }

  /** The first seed node's Solr URL (for messages and local folder names). */
  public String baseUrl() {
    return baseUrls.get(0);
  }

  /**
   * @throws InvalidSettingException naming the part that is wrong and the expected form
   */
  public static SolrLocation parse(String location) {
    String expected = " (expected " + FORM + ", got '" + location + "')";
    if (!isSolr(location)) throw new InvalidSettingException("not a solr:// location" + expected);
    String scheme = location.startsWith("solrs:") ? "https" : "http";
    String rest = location.substring(location.indexOf(':') + 1);
    if (!rest.startsWith("//"))
      throw new InvalidSettingException("'//' missing after the scheme" + expected);
    rest = rest.substring(2);
    String query = null;
    int question = rest.indexOf('?');
    if (question >= 0) {
      query = rest.substring(question + 1);
      rest = rest.substring(0, question);
    }
    int slash = rest.indexOf('/');
    if (slash < 0) throw new InvalidSettingException("the collection is missing" + expected);
    String authority = rest.substring(0, slash);
    String path = rest.substring(slash).replaceAll("/+$", "");
    int last = path.lastIndexOf('/');
    String collection = last < 0 ? "" : path.substring(last + 1);
    if (collection.isEmpty())
      throw new InvalidSettingException("the collection is missing" + expected);
    if (!collection.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
      throw new InvalidSettingException(
          "the collection name '"
              + collection
              + "' is not letters, digits, '.', '_' and '-'"
              + expected);
    }
    String context = last == 0 ? "/solr" : path.substring(0, last);
    if (!context.matches("(/[A-Za-z0-9._-]+)+")) {
      throw new InvalidSettingException(
          "the context path '" + context + "' is not valid" + expected);
    }
    if (authority.isEmpty()) throw new InvalidSettingException("no HOST:PORT given" + expected);
    List<String> urls = new ArrayList<>();
    String[] hosts = authority.split(",", -1);
    for (int i = 0; i < hosts.length; i++) {
      String hostPort = hostPort(hosts[i], i + 1, hosts.length, expected);
      String url = scheme + "://" + hostPort + context;
      if (urls.contains(url)) {
        throw new InvalidSettingException("seed host '" + hosts[i] + "' is given twice" + expected);
      }
      urls.add(url);
    }
    return new SolrLocation(urls, collection, timeouts(query, expected));
  }

  /**
   * {@code host:port} or {@code [v6]:port}, checked; named by its position when there are several.
   */
  private static String hostPort(String given, int n, int of, String expected) {
    String which = of > 1 ? "seed host " + n + " ('" + given + "')" : "the host '" + given + "'";
    int colon = given.lastIndexOf(':');
    if (colon <= 0 || given.endsWith("]"))
      throw new InvalidSettingException(which + " has no port" + expected);
    String host = given.substring(0, colon);
    String port = given.substring(colon + 1);
    int number;
    try {
      number = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      number = -1;
    }
    if (number < 1 || number > 65535) {
      throw new InvalidSettingException(
          which + " has port '" + port + "', not 1..65535" + expected);
    }
    boolean v6 = host.startsWith("[") && host.endsWith("]") && host.length() > 2;
    if (!v6 && !host.matches("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?")) {
      throw new InvalidSettingException(which + " is not a host name or address" + expected);
    }
    try {
      URI.create("http://" + host + ":" + number + "/"); // a last check of what the client will use
    } catch (IllegalArgumentException e) {
      throw new InvalidSettingException(which + " is not a host name or address" + expected);
    }
    return host + ":" + number;
  }

  private static Timeouts timeouts(String query, String expected) {
    Timeouts defaults = Timeouts.defaults();
    if (query == null) return defaults;
    Map<String, Duration> given = new LinkedHashMap<>();
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      if (!PARAMETERS.containsKey(name)) {
        throw new InvalidSettingException(
            "unknown parameter '"
                + name
                + "' (the parameters are connect-timeout, read-timeout and retry, in seconds)"
                + expected);
      }
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      long seconds;
      try {
        seconds = Long.parseLong(value);
      } catch (NumberFormatException e) {
        seconds = -1;
      }
      boolean zeroAllowed = name.equals("retry");
      if (seconds < (zeroAllowed ? 0 : 1) || seconds > 86_400) {
        throw new InvalidSettingException(
            "parameter "
                + name
                + "='"
                + value
                + "' is not a number of seconds ("
                + (zeroAllowed ? "0" : "1")
                + "..86400)"
                + expected);
      }
      given.put(name, Duration.ofSeconds(seconds));
    }
    return new Timeouts(
        given.getOrDefault("connect-timeout", defaults.connect()),
        given.getOrDefault("read-timeout", defaults.read()),
        given.getOrDefault("retry", defaults.retry()));
  }

  /** The form the user gives, for messages (timeouts other than the defaults included). */
  @Override
  public String toString() {
    StringJoiner hosts = new StringJoiner(",");
    String context = "";
    for (String url : baseUrls) {
      URI base = URI.create(url);
      hosts.add(base.getRawAuthority());
      context = "/solr".equals(base.getPath()) ? "" : base.getPath();
    }
    StringJoiner params = new StringJoiner("&", "?", "").setEmptyValue("");
    Timeouts defaults = Timeouts.defaults();
    if (!timeouts.connect().equals(defaults.connect()))
      params.add("connect-timeout=" + timeouts.connect().toSeconds());
    if (!timeouts.read().equals(defaults.read()))
      params.add("read-timeout=" + timeouts.read().toSeconds());
    if (!timeouts.retry().equals(defaults.retry()))
      params.add("retry=" + timeouts.retry().toSeconds());
    return (baseUrl().startsWith("https") ? "solrs" : "solr")
        + "://"
        + hosts
        + context
        + "/"
        + collection
        + params;
  }
}
