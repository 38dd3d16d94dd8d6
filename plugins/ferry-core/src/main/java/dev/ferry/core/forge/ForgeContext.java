package dev.ferry.core.forge;

import dev.ferry.core.FerryListener;
import dev.ferry.core.gate.Sleeper;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

/**
 * What a forge client takes from its surroundings.
 *
 * @param env the process environment, where {@code tokenEnv} names the token
 * @param clock for JWTs, review times and deadlines
 * @param sleeper waits out rate limits and polls (tests advance a fake clock)
 * @param deadline no wait (rate limit, poll) goes past this
 * @param listener where progress goes
 */
public record ForgeContext(Map<String, String> env, Clock clock, Sleeper sleeper, Instant deadline,
    FerryListener listener) {

  public ForgeContext withDeadline(Instant value) {
    return new ForgeContext(env, clock, sleeper, value, listener);
  }
}
