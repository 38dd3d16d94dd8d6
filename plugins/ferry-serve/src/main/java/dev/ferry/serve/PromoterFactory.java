package dev.ferry.serve;

import dev.ferry.core.FerryListener;
import dev.ferry.core.promote.Promoter;

/**
 * Opens a {@link Promoter} on the dashboard's configuration, the same way the CLI opens one (its
 * registry access, cache and clock), with events to {@code listener}. The front end that starts
 * the dashboard supplies it; each read and each action opens one and closes it.
 */
@FunctionalInterface
public interface PromoterFactory {
  Promoter open(FerryListener listener);
}
