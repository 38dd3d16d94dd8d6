package dev.ferry.core.git;

import java.time.Duration;

/**
 * How often and how patiently Ferry retries a push that lost a race or hit a network error:
 * jittered exponential backoff from {@code firstBackoff} up to {@code maxBackoff}, at most
 * {@code maxAttempts} failures of the server, and {@link #maxRaces()} lost races. A lost race means
 * another promoter landed, so the whole system made progress: with many pipelines promoting into one
 * branch at once, the last of them may lose as many races as there are pipelines.
 *
 * <pre>{@code new RetryPolicy(10, Duration.ofMillis(250), Duration.ofSeconds(15))}</pre>
 */
public record RetryPolicy(int maxAttempts, Duration firstBackoff, Duration maxBackoff) {

  public static final RetryPolicy DEFAULT =
      new RetryPolicy(10, Duration.ofMillis(250), Duration.ofSeconds(5));

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
  }

  /** How many lost races (the branch moved) a push survives before it gives up. */
  public int maxRaces() {
    return maxAttempts * 10;
  }

  /**
   * The pause before attempt {@code attempt + 1}: a tenth fixed, the rest random ("full jitter"),
   * so racers that lost together spread out instead of colliding again.
   */
  long backoffMillis(int attempt, java.util.random.RandomGenerator random) {
    long cap = maxBackoff.toMillis();
    long d = Math.min(cap, firstBackoff.toMillis() << Math.min(20, attempt - 1));
    long floor = d / 10;
    return floor + (d - floor <= 0 ? 0 : random.nextLong(d - floor + 1));
  }
}
