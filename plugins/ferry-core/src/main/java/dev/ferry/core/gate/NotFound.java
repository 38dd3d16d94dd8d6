package dev.ferry.core.gate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * What a gate answers when its object does not exist: on a service's first deployment Argo CD may
 * not have created it yet, so it is RUNNING for a grace period; otherwise (or after the grace) a
 * wrong name fails at once.
 *
 * <pre>{@code return notFound.answer("Rollout shop/web not found", context);}</pre>
 */
final class NotFound {

  static final GateSetting SETTING = GateSetting.optional("notFoundGrace", GateSetting.Type.DURATION,
      Duration.ofMinutes(2), "on a service's first deployment, how long a missing object is waited for");

  private final Duration grace;
  private final Clock clock;
  private Instant since;

  NotFound(Duration grace, Clock clock) {
    this.grace = grace;
    this.clock = clock;
  }

  GateResult answer(String message, GateContext context) {
    Instant now = clock.instant();
    if (since == null) {
      since = now;
    }
    if (context.firstDeployment() && Duration.between(since, now).compareTo(grace) < 0) {
      return GateResult.running(message + " (yet: first deployment, waiting up to "
          + dev.ferry.core.Durations.format(grace) + ")");
    }
    return GateResult.failed(message);
  }
}
