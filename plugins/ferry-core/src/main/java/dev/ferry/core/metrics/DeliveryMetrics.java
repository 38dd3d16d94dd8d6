package dev.ferry.core.metrics;

import dev.ferry.core.config.MetricsConfig;
import dev.ferry.core.history.History;
import dev.ferry.core.history.PromotionRecord;
import dev.ferry.core.history.VerificationRecord;
import dev.ferry.core.image.ImageRef;
import dev.ferry.core.metrics.MetricsReport.Keys;
import dev.ferry.core.metrics.MetricsReport.Spread;
import dev.ferry.core.metrics.MetricsReport.TargetCheck;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The four DORA keys computed from Ferry's records alone: promotions and rollbacks (commit
 * trailers) and verifications (notes). A pure function of the records and the window, so that the
 * same history always gives the same numbers; docs/metrics.md writes the definitions out.
 *
 * <pre>{@code
 * MetricsReport r = DeliveryMetrics.compute(List.of(EnvironmentRecords.of("dev", services, history)),
 *     now.minus(Duration.ofDays(30)), now, config.metrics().targets());
 * r.environments().get("dev").changeFailureRate();
 * }</pre>
 */
public final class DeliveryMetrics {

  private DeliveryMetrics() {
  }

  /**
   * What one environment recorded.
   *
   * @param environment its name
   * @param services the services that have a target there, for the per-service keys
   * @param promotions its promotions and rollbacks, newest first as history lists them (commit
   *     times have whole seconds: within one second, this order decides which came first)
   * @param verifications its verifications, any order
   */
  public record EnvironmentRecords(String environment, List<String> services, List<PromotionRecord> promotions,
      List<VerificationRecord> verifications) {

    public EnvironmentRecords {
      services = List.copyOf(services);
      List<PromotionRecord> newestFirst = promotions.stream().filter(p -> p.environment().equals(environment)).toList();
      List<PromotionRecord> oldestFirst = new java.util.ArrayList<>(newestFirst);
      java.util.Collections.reverse(oldestFirst);
      oldestFirst.sort(Comparator.comparing(PromotionRecord::time)); // stable: a rollback stays after its deployment
      promotions = List.copyOf(oldestFirst);
      verifications = verifications.stream().filter(v -> v.environment().equals(environment))
          .sorted(Comparator.comparing(VerificationRecord::at)).toList();
    }

    /** The records of {@code environment} in the history of its repository. */
    public static EnvironmentRecords of(String environment, List<String> services, History history) {
      return new EnvironmentRecords(environment, services, history.promotions(), history.verifications(environment));
    }
  }

  /** The keys of every environment over {@code [since, until]}. */
  public static MetricsReport compute(List<EnvironmentRecords> environments, Instant since, Instant until,
      MetricsConfig.Targets targets) {
    double days = Math.max(1, Duration.between(since, until).getSeconds()) / 86400.0;
    Map<String, Keys> out = new LinkedHashMap<>();
    for (EnvironmentRecords env : environments) {
      Map<String, Keys> services = new LinkedHashMap<>();
      for (String service : env.services()) {
        services.put(service, keys(outcomes(env, Set.of(service), since, until), days, targets, null));
      }
      out.put(env.environment(), keys(outcomes(env, null, since, until), days, targets, services));
    }
    return new MetricsReport(since, until, round(days), out);
  }

  /** What became of one deployment. */
  private record Outcome(Long leadSeconds, boolean failed, Long restoreSeconds) {
  }

  /**
   * One outcome per deployment in the window, for every service ({@code only} null) or for one: a
   * deployment of several services counts once for the environment and once for each service.
   */
  private static List<Outcome> outcomes(EnvironmentRecords env, Set<String> only, Instant since, Instant until) {
    List<Outcome> out = new ArrayList<>();
    List<PromotionRecord> all = env.promotions();
    for (int i = 0; i < all.size(); i++) {
      PromotionRecord d = all.get(i);
      if (!d.kind().equals(PromotionRecord.PROMOTE) || d.time().isBefore(since) || d.time().isAfter(until)) {
        continue;
      }
      List<String> services = d.images().keySet().stream().filter(s -> only == null || only.contains(s)).toList();
      if (services.isEmpty()) {
        continue;
      }
      Long lead = d.sourceTime() == null ? null : Math.max(0, Duration.between(d.sourceTime(), d.time()).getSeconds());
      int index = i;
      List<Failure> failures = services.stream().map(s -> failure(env, all, index, s, until))
          .filter(java.util.Objects::nonNull).toList();
      Long restore = null;
      if (!failures.isEmpty() && failures.stream().allMatch(f -> f.restoredAt() != null)) {
        // a deployment of several services is restored when the last of them is
        Instant start = failures.stream().map(Failure::start).min(Instant::compareTo).orElseThrow();
        Instant restored = failures.stream().map(Failure::restoredAt).max(Instant::compareTo).orElseThrow();
        restore = Math.max(0, Duration.between(start, restored).getSeconds());
      }
      out.add(new Outcome(lead, !failures.isEmpty(), restore));
    }
    return out;
  }

  /** When a deployment of a service started failing, and when it was restored (null: not yet). */
  private record Failure(Instant start, Instant restoredAt) {
  }

  /**
   * Whether the deployment at {@code index} failed for {@code service}: a failed verification of its
   * image while it was the one deployed, or a rollback that took it out. A rollback without a failed
   * verification (by hand) starts the failure at the deployment itself.
   */
  private static Failure failure(EnvironmentRecords env, List<PromotionRecord> all, int index, String service,
      Instant until) {
    PromotionRecord d = all.get(index);
    ImageRef image = ImageRef.parse(d.images().get(service));
    PromotionRecord next = null;
    for (int j = index + 1; j < all.size(); j++) {
      if (all.get(j).images().containsKey(service)) {
        next = all.get(j);
        break;
      }
    }
    Instant end = next == null ? until : next.time();
    Instant rolledBack = next != null && next.kind().equals(PromotionRecord.ROLLBACK) ? next.time() : null;
    Instant failedAt = null;
    for (VerificationRecord v : env.verifications()) {
      if (!v.passed() && !v.at().isBefore(d.time()) && v.at().isBefore(end) && shows(v, service, image)) {
        failedAt = v.at();
        break;
      }
    }
    if (failedAt == null && rolledBack == null) {
      return null;
    }
    Instant start = failedAt != null ? failedAt : d.time();
    Instant restored = rolledBack;
    for (VerificationRecord v : env.verifications()) {
      if (v.passed() && v.at().isAfter(start) && !v.at().isAfter(until) && v.images().containsKey(service)) {
        if (restored == null || v.at().isBefore(restored)) {
          restored = v.at();
        }
        break;
      }
    }
    return new Failure(start, restored);
  }

  private static boolean shows(VerificationRecord v, String service, ImageRef image) {
    String seen = v.images().get(service);
    return seen != null && ImageRef.parse(seen).sameVersion(image);
  }

  private static Keys keys(List<Outcome> outcomes, double days, MetricsConfig.Targets targets, Map<String, Keys> services) {
    int n = outcomes.size();
    int failed = (int) outcomes.stream().filter(Outcome::failed).count();
    int unrestored = (int) outcomes.stream().filter(o -> o.failed() && o.restoreSeconds() == null).count();
    Spread lead = spread(outcomes.stream().map(Outcome::leadSeconds).filter(java.util.Objects::nonNull).toList());
    Spread restore = spread(outcomes.stream().map(Outcome::restoreSeconds).filter(java.util.Objects::nonNull).toList());
    Double cfr = n == 0 ? null : round((double) failed / n);
    double perDay = n / days;
    Map<String, TargetCheck> checks = new LinkedHashMap<>();
    targets.timeToRestore().ifPresent(t -> checks.put("timeToRestore", atMost(targets, "timeToRestore",
        restore.median() == null ? null : restore.median().doubleValue(), t.getSeconds())));
    targets.leadTime().ifPresent(t -> checks.put("leadTime", atMost(targets, "leadTime",
        lead.median() == null ? null : lead.median().doubleValue(), t.getSeconds())));
    targets.changeFailureRate().ifPresent(t -> checks.put("changeFailureRate", atMost(targets, "changeFailureRate", cfr, t)));
    targets.deploymentsPerDay().ifPresent(t -> checks.put("deploymentsPerDay",
        new TargetCheck(targets.written().get("deploymentsPerDay"), round(perDay), perDay >= t)));
    return new Keys(n, round(perDay), round(perDay * 7), lead, cfr, failed, restore, unrestored, checks, services);
  }

  private static TargetCheck atMost(MetricsConfig.Targets targets, String key, Double value, double target) {
    return new TargetCheck(targets.written().get(key), value, value == null ? null : value <= target);
  }

  /** Median and p90 by nearest rank: each is a value that was measured, never an interpolation. */
  static Spread spread(List<Long> values) {
    if (values.isEmpty()) {
      return Spread.NONE;
    }
    List<Long> sorted = values.stream().sorted().toList();
    return new Spread(rank(sorted, 0.5), rank(sorted, 0.9), sorted.size());
  }

  private static long rank(List<Long> sorted, double q) {
    int index = (int) Math.ceil(q * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  private static double round(double v) {
    return Math.round(v * 10000) / 10000.0;
  }
}
