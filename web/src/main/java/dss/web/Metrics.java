package dss.web;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/** Request counts and latencies, decode and model time, in the Prometheus text exposition format (0.0.4). */
final class Metrics {
  /** Upper bounds in seconds: from a sub-millisecond id search to a multi-second CPU ensemble run. */
  private static final double[] BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
  private final Map<String, Histogram> latencies = new ConcurrentHashMap<>();
  private final Histogram decode = new Histogram();
  private final Histogram model = new Histogram();

  /** One finished request; {@code route} is the matched route template, so ids do not multiply the series. */
  void request(String method, String route, int status, double millis) {
    String labels = "method=\"" + method + "\",route=\"" + escape(route) + "\"";
    requests.computeIfAbsent(labels + ",status=\"" + status + "\"", k -> new LongAdder()).increment();
    latencies.computeIfAbsent(labels, k -> new Histogram()).observe(millis / 1000);
  }

  void embedding(double decodeMillis, double modelMillis) {
    decode.observe(decodeMillis / 1000);
    model.observe(modelMillis / 1000);
  }

  /** The exposition text; {@code documents} is the current index size. */
  String render(long documents) {
    StringBuilder out = new StringBuilder();
    out.append("# HELP dss_http_requests_total HTTP requests by method, route and status.\n")
        .append("# TYPE dss_http_requests_total counter\n");
    new TreeMap<>(requests).forEach((labels, count) ->
        out.append("dss_http_requests_total{").append(labels).append("} ").append(count.sum()).append('\n'));
    out.append("# HELP dss_http_request_seconds HTTP request latency by method and route.\n")
        .append("# TYPE dss_http_request_seconds histogram\n");
    new TreeMap<>(latencies).forEach((labels, h) -> h.render(out, "dss_http_request_seconds", labels));
    out.append("# HELP dss_decode_seconds Time to decode and preprocess an uploaded image.\n")
        .append("# TYPE dss_decode_seconds histogram\n");
    decode.render(out, "dss_decode_seconds", "");
    out.append("# HELP dss_model_seconds Time to embed an uploaded image (model run, including batching wait).\n")
        .append("# TYPE dss_model_seconds histogram\n");
    model.render(out, "dss_model_seconds", "");
    out.append("# HELP dss_index_documents Images in the index.\n")
        .append("# TYPE dss_index_documents gauge\n")
        .append("dss_index_documents ").append(documents).append('\n');
    return out.toString();
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static final class Histogram {
    private final LongAdder[] counts = new LongAdder[BUCKETS.length];
    private final LongAdder total = new LongAdder();
    private final DoubleAdder sum = new DoubleAdder();

    Histogram() {
      for (int i = 0; i < counts.length; i++) counts[i] = new LongAdder();
    }

    void observe(double seconds) {
      for (int i = 0; i < BUCKETS.length; i++) {
        if (seconds <= BUCKETS[i]) {
          counts[i].increment();
          break;
        }
      }
      total.increment();
      sum.add(seconds);
    }

    void render(StringBuilder out, String name, String labels) {
      String prefix = labels.isEmpty() ? "" : labels + ",";
      long cumulative = 0;
      for (int i = 0; i < BUCKETS.length; i++) {
        cumulative += counts[i].sum();
        out.append(name).append("_bucket{").append(prefix).append("le=\"").append(BUCKETS[i]).append("\"} ")
            .append(cumulative).append('\n');
      }
      String braces = labels.isEmpty() ? "" : "{" + labels + "}";
      out.append(name).append("_bucket{").append(prefix).append("le=\"+Inf\"} ").append(total.sum()).append('\n');
      out.append(name).append("_sum").append(braces).append(' ').append(sum.sum()).append('\n');
      out.append(name).append("_count").append(braces).append(' ').append(total.sum()).append('\n');
    }
  }
}
