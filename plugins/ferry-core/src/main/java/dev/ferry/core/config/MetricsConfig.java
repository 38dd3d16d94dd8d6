package dev.ferry.core.config;

import java.time.Duration;
import java.util.Optional;

/**
 * {@code metrics:} in ferry.yaml: the default window of {@code ferry metrics} and the targets its
 * output marks as met or missed.
 *
 * <pre>{@code
 * metrics:
 *   since: 30d
 *   targets: {timeToRestore: 15m, changeFailureRate: 0.5%, leadTime: 1d, deploymentsPerDay: 1}
 * }</pre>
 *
 * @param since the window when the command names none; 30 days by default
 * @param targets the targets, each absent when not configured
 */
public record MetricsConfig(Duration since, Targets targets) {

  public static final Duration DEFAULT_SINCE = Duration.ofDays(30);
  public static final MetricsConfig DEFAULT = new MetricsConfig(DEFAULT_SINCE, Targets.NONE);

  /**
   * Targets for the DORA keys. Durations are met at or below the median, rates as noted.
   *
   * @param timeToRestore met when the median time to restore is at most this
   * @param leadTime met when the median lead time is at most this
   * @param changeFailureRate met when the change failure rate is at most this ratio (0.005 for 0.5%)
   * @param deploymentsPerDay met when the deployment frequency is at least this
   * @param written each target as written in ferry.yaml, for the output
   */
  public record Targets(Optional<Duration> timeToRestore, Optional<Duration> leadTime,
      Optional<Double> changeFailureRate, Optional<Double> deploymentsPerDay, java.util.Map<String, String> written) {
    public static final Targets NONE = new Targets(Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), java.util.Map.of());

    public Targets {
      written = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(written));
    }
  }

  /** A ratio as written in ferry.yaml: {@code 0.5%} or {@code 0.005}; empty when it is neither. */
  public static Optional<Double> ratio(String text) {
    try {
      String t = text.strip();
      double v = t.endsWith("%") ? Double.parseDouble(t.substring(0, t.length() - 1).strip()) / 100
          : Double.parseDouble(t);
      return v >= 0 && Double.isFinite(v) ? Optional.of(v) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
