package dev.ferry.core.gate;

import dev.ferry.core.image.ImageRef;
import java.time.Instant;
import java.util.Map;

/**
 * What the gates of one environment check against: the promoted environment-repository commit and
 * the promoted image of each service.
 *
 * <pre>{@code
 * new GateContext("staging", "3f2a...", Map.of("web", ImageRef.parse("registry/shop/web:1.4.2")), Instant.now())
 * }</pre>
 *
 * @param environment the environment name, e.g. {@code staging}
 * @param commit the full id of the promotion commit in the environment repository
 * @param images service name to the image promoted for it
 * @param promotedAt when the promotion commit was pushed
 */
public record GateContext(String environment, String commit, Map<String, ImageRef> images, Instant promotedAt) {

  public GateContext {
    images = images == null ? Map.of() : Map.copyOf(images);
  }
}
