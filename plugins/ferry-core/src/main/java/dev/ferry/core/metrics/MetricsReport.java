package dev.ferry.core.metrics;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;

/**
 * The four DORA keys per environment and per service over a window, as {@code ferry metrics --json}
 * prints them and {@code /metrics} exposes them. Computed by {@link DeliveryMetrics} from Ferry's
 * records in git; docs/metrics.md says how each key is derived.
 *
 * @param since the start of the window (inclusive)
 * @param until the end of the window (inclusive): the time of the computation
 * @param windowDays the window's length in days, the divisor of the rates
 * @param environments keys per environment, in the order of {@code ferry.yaml}
 */
public record MetricsReport(Instant since, Instant until, double windowDays, Map<String, Keys> environments) {

  /**
   * The keys of one environment, or of one service in it.
   *
   * @param deployments promotions that landed in the window
   * @param deploymentsPerDay deployments divided by the window's days
   * @param deploymentsPerWeek deployments divided by the window's weeks
   * @param leadTimeSeconds from the source commit's time to the promotion landing, over the
   *     deployments that recorded a source commit time
   * @param changeFailureRate failed deployments over deployments; null without deployments
   * @param failedDeployments deployments followed by a failed verification or a rollback
   * @param timeToRestoreSeconds from the failure to the rollback landing or the next passing
   *     verification, over the failed deployments that were restored
   * @param unrestored failed deployments not restored by the end of the window
   * @param targets each configured target with the value it was compared to; empty without targets
   * @param services the same keys per service; null on a service's own keys
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Keys(int deployments, double deploymentsPerDay, double deploymentsPerWeek, Spread leadTimeSeconds,
      Double changeFailureRate, int failedDeployments, Spread timeToRestoreSeconds, int unrestored,
      Map<String, TargetCheck> targets, Map<String, Keys> services) {
  }

  /**
   * The median and 90th percentile (nearest rank) of a set of durations in seconds.
   *
   * @param median null when {@code count} is 0
   * @param p90 null when {@code count} is 0
   * @param count how many durations
   */
  public record Spread(Long median, Long p90, int count) {
    public static final Spread NONE = new Spread(null, null, 0);
  }

  /**
   * A key compared to its target from {@code metrics.targets}.
   *
   * @param target the target as written in ferry.yaml ({@code 15m}, {@code 0.5%}, {@code 1})
   * @param value the value compared (seconds for durations, a ratio for rates); null when there was
   *     nothing to measure
   * @param met whether the value meets the target; null when there was nothing to measure
   */
  public record TargetCheck(String target, Double value, Boolean met) {
  }
}
