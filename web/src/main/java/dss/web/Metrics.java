package dss.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jetty.JettyConnectionMetrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Server;

/**
 * The server's meters in a Micrometer Prometheus registry: requests by method, route template and
 * status with a latency histogram per route, decode and model time of uploads, the index size, and
 * what Micrometer's binders give for free (JVM memory, GC, threads, class loading, CPU, uptime,
 * Jetty's connections).
 */
final class Metrics {
  /**
   * The {@code method} label's values besides {@code other}: the methods of HTTP itself. Any other
   * token a client sends is {@code other}, so clients cannot add series.
   */
  static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

  /** The {@code route} label of a request no API route matched and that failed (404, 405...). */
  static final String UNMATCHED = "unmatched";

  /** The {@code route} label of the page and its files (served from the classpath, no route). */
  static final String STATIC = "static";

  /** Histogram buckets: from a sub-millisecond id search to a multi-second CPU ensemble run. */
  private static final Duration[] BUCKETS = {
    ms(1), ms(2.5), ms(5), ms(10), ms(25), ms(50), ms(100), ms(250), ms(500), ms(1000), ms(2500),
    ms(5000), ms(10000)
  };

  private final PrometheusMeterRegistry registry = registry();
  private final Timer decode =
      timer("dss.decode", "Time to decode and preprocess an uploaded image.").register(registry);
  private final Timer model =
      timer(
              "dss.model",
              "Time to embed an uploaded image (model run, including the wait for a batch).")
          .register(registry);

  Metrics(ServerContext server) {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    Gauge.builder(
            "dss.index.documents",
            server,
            s -> {
              try {
                return s.index().count();
              } catch (IOException e) {
                return Double.NaN;
              }
            })
        .description("Images in the index.")
        .register(registry);
  }

  /**
   * Jetty's connection meters (requests run on virtual threads: the JVM's thread meters cover
   * them).
   */
  void bind(Server jetty) {
    JettyConnectionMetrics.addToAllConnectors(jetty, registry);
  }

  /**
   * One finished request. {@code route} is the matched route template (so ids do not multiply the
   * series), {@link #STATIC} or {@link #UNMATCHED}; a method outside {@link #METHODS} counts as
   * {@code other}.
   */
  void request(String method, String route, int status, double millis) {
    method = METHODS.contains(method) ? method : "other";
    Counter.builder("dss.http.requests")
        .description("HTTP requests by method, route and status.")
        .tags("method", method, "route", route, "status", Integer.toString(status))
        .register(registry)
        .increment();
    timer("dss.http.request", "HTTP request latency by method and route.")
        .tags("method", method, "route", route)
        .register(registry)
        .record((long) (millis * 1e6), TimeUnit.NANOSECONDS);
  }

  void embedding(double decodeMillis, double modelMillis) {
    decode.record((long) (decodeMillis * 1e6), TimeUnit.NANOSECONDS);
    model.record((long) (modelMillis * 1e6), TimeUnit.NANOSECONDS);
  }

  /** The Prometheus text exposition. */
  String scrape() {
    return registry.scrape();
  }

  /**
   * The registry, its filters set before any meter exists. Names promtool accepts: Micrometer's
   * processor binder calls the CPU count "system.cpu.count" (a "_count" suffix belongs to
   * histograms) and gives the CPU time in nanoseconds as "process_cpu_time_ns_total" (an
   * abbreviated unit); process_cpu_usage stays.
   */
  private static PrometheusMeterRegistry registry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry
        .config()
        .meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")))
        .meterFilter(
            new MeterFilter() {
              @Override
              public Meter.Id map(Meter.Id id) {
                return id.getName().equals("system.cpu.count")
                    ? id.withName("system.cpus.available")
                    : id;
              }
            });
    return registry;
  }

  private static Timer.Builder timer(String name, String description) {
    return Timer.builder(name).description(description).serviceLevelObjectives(BUCKETS);
  }

  private static Duration ms(double millis) {
    return Duration.ofNanos((long) (millis * 1e6));
  }
}
