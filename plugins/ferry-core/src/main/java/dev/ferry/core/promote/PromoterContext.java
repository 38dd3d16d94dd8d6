package dev.ferry.core.promote;

import dev.ferry.core.FerryListener;
import dev.ferry.core.notify.DeliveryListener;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * What a {@link Promoter} takes from its surroundings: where the mirror cache is, the clock, how
 * images are pinned, where events go, and the process environment (for secrets named in config).
 *
 * @param cacheRoot the mirror cache, or null for {@code FERRY_CACHE} or {@code ~/.cache/ferry}
 * @param clock the clock, for records and soak times
 * @param resolver how tags are pinned to digests
 * @param listener where events go
 * @param env the process environment
 * @param user who runs Ferry, recorded as {@code Ferry-Promoted-By} unless the request names someone
 * @param historyDepth how many commits of an environment branch are read for history and policy
 *     (blocks are read further back, see {@link dev.ferry.core.history.History})
 * @param deliveries who is told what happened (notifications, Grafana annotations)
 */
public record PromoterContext(Path cacheRoot, Clock clock, ImageResolver resolver, FerryListener listener,
    Map<String, String> env, String user, int historyDepth, DeliveryListener deliveries) {

  public PromoterContext(Path cacheRoot, Clock clock, ImageResolver resolver, FerryListener listener,
      Map<String, String> env, String user, int historyDepth) {
    this(cacheRoot, clock, resolver, listener, env, user, historyDepth, DeliveryListener.NONE);
  }

  public static PromoterContext defaults(ImageResolver resolver, FerryListener listener) {
    Map<String, String> env = System.getenv();
    String user = env.getOrDefault("FERRY_USER", env.getOrDefault("BUILD_USER_ID",
        env.getOrDefault("GITHUB_ACTOR", System.getProperty("user.name", "ferry"))));
    return new PromoterContext(null, Clock.systemUTC(), resolver, listener, env, user, 5000);
  }

  public PromoterContext withCacheRoot(Path path) {
    return new PromoterContext(path, clock, resolver, listener, env, user, historyDepth, deliveries);
  }

  public PromoterContext withClock(Clock value) {
    return new PromoterContext(cacheRoot, value, resolver, listener, env, user, historyDepth, deliveries);
  }

  public PromoterContext withDeliveries(DeliveryListener value) {
    return new PromoterContext(cacheRoot, clock, resolver, listener, env, user, historyDepth, value);
  }

  public PromoterContext withHistoryDepth(int value) {
    return new PromoterContext(cacheRoot, clock, resolver, listener, env, user, value, deliveries);
  }
}
