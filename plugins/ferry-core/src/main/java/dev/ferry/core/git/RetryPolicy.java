package dev.ferry.core.git;

import java.time.Duration;

/**
 * How often and how patiently Ferry retries a push that lost a race or hit a network error:
 * jittered exponential backoff from {@code firstBackoff} up to {@code maxBackoff}, at most
 * {@code maxAttempts} pushes.
 *
 * <pre>{@code new RetryPolicy(10, Duration.ofMillis(100), Duration.ofSeconds(4))}</pre>
 */
public record RetryPolicy(int maxAttempts, Duration firstBackoff, Duration maxBackoff) {

  public static final RetryPolicy DEFAULT =
      new RetryPolicy(10, Duration.ofMillis(100), Duration.ofSeconds(4));

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
  }

  /** The pause before attempt {@code attempt + 1}: half fixed, half random, so racers spread out. */
  long backoffMillis(int attempt, java.util.random.RandomGenerator random) {
    long cap = maxBackoff.toMillis();
    long d = Math.min(cap, firstBackoff.toMillis() << Math.min(20, attempt - 1));
    return d / 2 + (d <= 1 ? 0 : random.nextLong(d / 2 + 1));
  }
}
