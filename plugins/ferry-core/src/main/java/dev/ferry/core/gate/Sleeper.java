package dev.ferry.core.gate;

import java.time.Duration;

/**
 * Waits between polls. Tests pass one that advances a fake clock instead of sleeping.
 *
 * <pre>{@code Sleeper real = Sleeper.SYSTEM; Sleeper fake = d -> clock.advance(d);}</pre>
 */
@FunctionalInterface
public interface Sleeper {

  Sleeper SYSTEM = d -> Thread.sleep(d.toMillis());

  void sleep(Duration duration) throws InterruptedException;
}
