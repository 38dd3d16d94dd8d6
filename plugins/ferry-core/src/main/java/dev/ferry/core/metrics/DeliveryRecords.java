package dev.ferry.core.metrics;

import dev.ferry.core.config.EnvironmentConfig;
import dev.ferry.core.config.MetricsConfig;
import dev.ferry.core.history.History;
import dev.ferry.core.history.PromotionRecord;
import dev.ferry.core.history.VerificationRecord;
import dev.ferry.core.metrics.DeliveryMetrics.EnvironmentRecords;
import dev.ferry.core.promote.Promoter;
import dev.ferry.core.promote.Status;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the delivery metrics are computed from, read once through a {@link Promoter}: each
 * environment's promotions, rollbacks and verifications, what runs where since when, and the
 * blocks. The CLI ({@code ferry metrics}) and {@code ferry serve} ({@code /metrics}) both read it.
 *
 * <pre>{@code
 * DeliveryRecords records = DeliveryRecords.read(promoter, List.of(), null);
 * MetricsReport report = records.report(Duration.ofDays(30), clock.instant(), config.metrics().targets());
 * }</pre>
 *
 * @param environments the records of each environment read
 * @param running environment → service → since when its current image runs there
 * @param blocked environment → service → versions blocked there now
 */
public record DeliveryRecords(List<EnvironmentRecords> environments, Map<String, Map<String, Instant>> running,
    Map<String, Map<String, Integer>> blocked) {

  /**
   * Reads the records.
   *
   * @param environments the environments to read; empty for all, in the order of ferry.yaml
   * @param service only this service's records, or null for every service
   */
  public static DeliveryRecords read(Promoter promoter, List<String> environments, String service) {
    List<String> envs = environments.isEmpty() ? promoter.config().environmentOrder() : environments;
    envs.forEach(promoter.config()::environment);
    if (service != null) {
      promoter.config().service(service);
    }
    List<EnvironmentRecords> records = new java.util.ArrayList<>();
    for (String env : envs) {
      // every promotion in the window counts toward frequency and lead time: the log, not the state
      // index, which keeps the newest few per service
      History history = promoter.historyLog(env, promoter.context().historyDepth());
      List<String> services = servicesIn(promoter, promoter.config().environment(env)).stream()
          .filter(s -> service == null || s.equals(service)).toList();
      List<PromotionRecord> promotions = history.promotions();
      List<VerificationRecord> verifications = history.verifications(env);
      if (service != null) {
        promotions = promotions.stream().filter(p -> p.images().containsKey(service)).map(p -> only(p, service)).toList();
        verifications = verifications.stream().filter(v -> v.images().containsKey(service)).toList();
      }
      records.add(new EnvironmentRecords(env, services, promotions, verifications));
    }
    Map<String, Map<String, Instant>> running = new LinkedHashMap<>();
    // a zero for every service, so that an alert on blocks has a series before the first block
    Map<String, Map<String, Integer>> blocked = new LinkedHashMap<>();
    records.forEach(r -> r.services().forEach(s -> blocked.computeIfAbsent(r.environment(), e -> new LinkedHashMap<>()).put(s, 0)));
    Status status = Status.read(promoter);
    for (Status.Cell cell : status.cells()) {
      if (envs.contains(cell.environment()) && (service == null || cell.service().equals(service)) && cell.since() != null) {
        running.computeIfAbsent(cell.environment(), e -> new LinkedHashMap<>()).put(cell.service(), cell.since());
      }
    }
    for (Status.Block block : status.blocks()) {
      if (envs.contains(block.environment()) && (service == null || block.service().equals(service))) {
        blocked.computeIfAbsent(block.environment(), e -> new LinkedHashMap<>()).merge(block.service(), 1, Integer::sum);
      }
    }
    return new DeliveryRecords(List.copyOf(records), running, blocked);
  }

  /** The DORA keys over {@code since} up to {@code until}. */
  public MetricsReport report(Duration since, Instant until, MetricsConfig.Targets targets) {
    return DeliveryMetrics.compute(environments, until.minus(since), until, targets);
  }

  /** Every series of {@code /metrics}, for a report computed from these records. */
  public MetricSnapshots snapshots(MetricsReport report, Instant now) {
    return Exposition.snapshots(report, environments, running, blocked, now);
  }

  private static List<String> servicesIn(Promoter promoter, EnvironmentConfig env) {
    return promoter.config().services().keySet().stream()
        .filter(s -> env.targets().containsKey(s) || env.targets().containsKey("*")).toList();
  }

  /** A promotion of several services seen as the promotion of one of them. */
  private static PromotionRecord only(PromotionRecord p, String service) {
    return new PromotionRecord(p.id(), p.kind(), p.environment(), Map.of(service, p.images().get(service)), p.commit(),
        p.parent(), p.time(), p.promotedBy(), p.approvedBy(), p.source(), p.subject(), p.sourceCommit(), p.sourceTime());
  }
}
