package dev.ferry.core.git;

import dev.ferry.core.ExternalException;
import dev.ferry.core.FerryEvent;
import dev.ferry.core.FerryException;
import dev.ferry.core.FerryListener;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The retries of one fetch or push: lost races (the ref moved) and server failures each count
 * against their own budget of the {@link RetryPolicy}; between attempts, a jittered pause.
 *
 * <pre>{@code
 * Retries retries = new Retries(policy, "refs/heads/main", url, listener);
 * for (int attempt = 1; ; attempt++) { ...; retries.failed(attempt, verdict); }
 * }</pre>
 */
final class Retries {

  private static final String TOPIC = "git";

  private final RetryPolicy policy;
  private final String ref;
  private final String shownUrl;
  private final FerryListener listener;
  private final int maxFailures;
  private int failures;
  private int races;

  Retries(RetryPolicy policy, String ref, String shownUrl, FerryListener listener) {
    this(policy, ref, shownUrl, listener, Integer.MAX_VALUE);
  }

  Retries(RetryPolicy policy, String ref, String shownUrl, FerryListener listener, int maxFailures) {
    this.policy = policy;
    this.ref = ref;
    this.shownUrl = shownUrl;
    this.listener = listener;
    this.maxFailures = Math.min(maxFailures, policy.maxAttempts());
  }

  /** Counts a failed attempt; throws when its budget is spent, else waits before the next one. */
  void failed(int attempt, PushVerdict verdict) {
    if (spent(verdict)) {
      throw new ExternalException("gave up pushing " + ref + " to " + shownUrl + " after " + attempt
          + " attempts: " + verdict.lastProblem(),
          "run the same promotion again; it continues where it stopped and never applies twice", null);
    }
    if (verdict.kind() == PushVerdict.Kind.QUEUED) {
      sleep(QUEUE_POLL_MILLIS + ThreadLocalRandom.current().nextLong(QUEUE_POLL_MILLIS));
      return;
    }
    pause(attempt);
  }

  /** How often a queued promotion looks whether it was carried, at least (plus as much again at random). */
  static final long QUEUE_POLL_MILLIS = 400;

  /** Like {@link #failed(int, PushVerdict)}, rethrowing {@code last} itself when the budget is spent. */
  void failed(int attempt, PushVerdict verdict, FerryException last) {
    if (spent(verdict)) {
      throw last;
    }
    pause(attempt);
  }

  /** How many races were lost so far. */
  int races() {
    return races;
  }

  private boolean spent(PushVerdict verdict) {
    if (verdict.kind() == PushVerdict.Kind.QUEUED) {
      return false; // bounded by the queue's patience, not by a count
    }
    return verdict.kind() == PushVerdict.Kind.MOVED ? ++races >= policy.maxRaces() : ++failures >= maxFailures;
  }

  private void pause(int attempt) {
    long ms = policy.backoffMillis(attempt, ThreadLocalRandom.current());
    listener.on(FerryEvent.progress(TOPIC, ref + " on " + shownUrl + " moved or did not answer; retrying in "
        + ms + " ms (attempt " + (attempt + 1) + ")"));
    sleep(ms);
  }

  private void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ExternalException("interrupted while retrying a push to " + shownUrl, e);
    }
  }
}
