package dev.ferry.core.metrics;

import dev.ferry.core.history.PromotionRecord;
import dev.ferry.core.history.VerificationRecord;
import dev.ferry.core.metrics.DeliveryMetrics.EnvironmentRecords;
import dev.ferry.core.metrics.MetricsReport.Keys;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The delivery metrics in the Prometheus text format (0.0.4) and OpenMetrics 1.0: what
 * {@code ferry serve} answers on {@code /metrics} and {@code ferry metrics --openmetrics} writes for
 * a textfile collector or a Pushgateway. Names follow Prometheus conventions: the {@code ferry_}
 * prefix, base units in the name ({@code _seconds}, {@code _ratio}), {@code _total} on counters;
 * labels are bounded by ferry.yaml ({@code environment}, {@code service}, {@code result}). A series
 * without {@code service} is the environment's own key (a ratio or a median does not add up).
 *
 * <pre>{@code
 * MetricSnapshots s = Exposition.snapshots(report, records, running, now);
 * Exposition.write(out, s, request.getHeader("Accept"));
 * }</pre>
 */
public final class Exposition {

  private static final ExpositionFormatWriter OPEN_METRICS = OpenMetricsTextFormatWriter.create();
  private static final ExpositionFormatWriter PROMETHEUS = PrometheusTextFormatWriter.create();

  private Exposition() {
  }

  /**
   * Every series.
   *
   * @param report the DORA keys over the window
   * @param records what each environment recorded (promotions, rollbacks, verifications), for the counters
   * @param running environment → service → since when its current image runs there
   * @param blocked environment → service → versions blocked there now
   * @param now the time of the scrape, for the ages
   */
  public static MetricSnapshots snapshots(MetricsReport report, List<EnvironmentRecords> records,
      Map<String, Map<String, Instant>> running, Map<String, Map<String, Integer>> blocked, Instant now) {
    List<io.prometheus.metrics.model.snapshots.MetricSnapshot> all = new ArrayList<>();
    all.add(GaugeSnapshot.builder().name("ferry_metrics_window_seconds")
        .help("Length of the window the DORA keys are computed over")
        .dataPoint(GaugeDataPointSnapshot.builder().value(Duration.between(report.since(), report.until()).getSeconds()).build())
        .build());
    all.add(keyGauge(report, "ferry_deployments", "Promotions that landed in the window",
        k -> (double) k.deployments()));
    all.add(keyGauge(report, "ferry_deployment_frequency_per_day", "Deployment frequency: promotions that landed per day over the window",
        Keys::deploymentsPerDay));
    all.add(keyGauge(report, "ferry_lead_time_median_seconds", "Lead time for changes, median: source commit to promotion landing",
        k -> seconds(k.leadTimeSeconds().median())));
    all.add(keyGauge(report, "ferry_lead_time_p90_seconds", "Lead time for changes, 90th percentile",
        k -> seconds(k.leadTimeSeconds().p90())));
    all.add(keyGauge(report, "ferry_change_failure_ratio", "Change failure rate: deployments followed by a failed verification or a rollback, over deployments",
        Keys::changeFailureRate));
    all.add(keyGauge(report, "ferry_time_to_restore_median_seconds", "Time to restore, median: failure to rollback landing or next passing verification",
        k -> seconds(k.timeToRestoreSeconds().median())));
    all.add(keyGauge(report, "ferry_time_to_restore_p90_seconds", "Time to restore, 90th percentile",
        k -> seconds(k.timeToRestoreSeconds().p90())));
    all.add(keyGauge(report, "ferry_failed_deployments_unrestored", "Failed deployments in the window not restored yet",
        k -> (double) k.unrestored()));

    CounterSnapshot.Builder promotions = CounterSnapshot.builder().name("ferry_promotions")
        .help("Promotions that landed, in the history Ferry read");
    CounterSnapshot.Builder rollbacks = CounterSnapshot.builder().name("ferry_rollbacks")
        .help("Rollbacks that landed, in the history Ferry read");
    CounterSnapshot.Builder verifications = CounterSnapshot.builder().name("ferry_verifications")
        .help("Verifications recorded, by result, in the history Ferry read");
    for (EnvironmentRecords env : records) {
      Map<String, long[]> counts = new LinkedHashMap<>();
      env.services().forEach(s -> counts.put(s, new long[4]));
      for (PromotionRecord p : env.promotions()) {
        int slot = p.kind().equals(PromotionRecord.ROLLBACK) ? 1 : 0;
        p.images().keySet().forEach(s -> counts.computeIfAbsent(s, x -> new long[4])[slot]++);
      }
      for (VerificationRecord v : env.verifications()) {
        v.images().keySet().forEach(s -> counts.computeIfAbsent(s, x -> new long[4])[v.passed() ? 2 : 3]++);
      }
      counts.forEach((service, c) -> {
        Labels labels = Labels.of("environment", env.environment(), "service", service);
        promotions.dataPoint(CounterDataPointSnapshot.builder().value(c[0]).labels(labels).build());
        rollbacks.dataPoint(CounterDataPointSnapshot.builder().value(c[1]).labels(labels).build());
        verifications.dataPoint(CounterDataPointSnapshot.builder().value(c[2]).labels(labels.add("result", "passed")).build());
        verifications.dataPoint(CounterDataPointSnapshot.builder().value(c[3]).labels(labels.add("result", "failed")).build());
      });
    }
    all.add(promotions.build());
    all.add(rollbacks.build());
    all.add(verifications.build());

    GaugeSnapshot.Builder age = GaugeSnapshot.builder().name("ferry_running_image_age_seconds")
        .help("Time since the image that runs now landed in the environment");
    running.forEach((env, services) -> services.forEach((service, since) -> age.dataPoint(GaugeDataPointSnapshot.builder()
        .value(Math.max(0, Duration.between(since, now).getSeconds()))
        .labels(Labels.of("environment", env, "service", service)).build())));
    all.add(age.build());
    GaugeSnapshot.Builder blocks = GaugeSnapshot.builder().name("ferry_blocked_versions")
        .help("Versions blocked in the environment until released");
    blocked.forEach((env, services) -> services.forEach((service, n) -> blocks.dataPoint(GaugeDataPointSnapshot.builder()
        .value(n).labels(Labels.of("environment", env, "service", service)).build())));
    all.add(blocks.build());
    return new MetricSnapshots(all);
  }

  /** A gauge with one series per environment and one per service in it; a key with nothing measured has no series. */
  private static GaugeSnapshot keyGauge(MetricsReport report, String name, String help, Function<Keys, Double> value) {
    GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name(name).help(help);
    report.environments().forEach((env, keys) -> {
      add(gauge, value.apply(keys), Labels.of("environment", env));
      keys.services().forEach((service, own) -> add(gauge, value.apply(own), Labels.of("environment", env, "service", service)));
    });
    return gauge.build();
  }

  private static void add(GaugeSnapshot.Builder gauge, Double value, Labels labels) {
    if (value != null) {
      gauge.dataPoint(GaugeDataPointSnapshot.builder().value(value).labels(labels).build());
    }
  }

  private static Double seconds(Long value) {
    return value == null ? null : value.doubleValue();
  }

  /** The content type answered for an {@code Accept} header: OpenMetrics when asked for, else the Prometheus text format. */
  public static String contentType(String accept) {
    return writer(accept).getContentType();
  }

  /** Writes the series in the format the {@code Accept} header asks for (null: the Prometheus text format). */
  public static void write(OutputStream out, MetricSnapshots snapshots, String accept) throws IOException {
    writer(accept).write(out, snapshots);
  }

  /** Writes the series in OpenMetrics 1.0, ending in {@code # EOF}. */
  public static void writeOpenMetrics(OutputStream out, MetricSnapshots snapshots) throws IOException {
    OPEN_METRICS.write(out, snapshots);
  }

  private static ExpositionFormatWriter writer(String accept) {
    return accept != null && OPEN_METRICS.accepts(accept) ? OPEN_METRICS : PROMETHEUS;
  }
}
