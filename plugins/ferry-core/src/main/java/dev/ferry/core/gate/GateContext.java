package dev.ferry.core.gate;

import dev.ferry.core.image.ImageRef;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

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
 * @param history tells whether a revision includes {@code commit} (is it or a later commit of the
 *     branch); null when only {@code commit} itself counts
 * @param repoUrl the environment repository's URL, to find its source in a multi-source
 *     Application; null when unknown
 * @param firstDeployments the services of {@code images} that were never deployed in this
 *     environment before this promotion
 */
public record GateContext(String environment, String commit, Map<String, ImageRef> images, Instant promotedAt,
    Predicate<String> history, String repoUrl, Set<String> firstDeployments) {

  public GateContext {
    images = images == null ? Map.of() : Map.copyOf(images);
    firstDeployments = firstDeployments == null ? Set.of() : Set.copyOf(firstDeployments);
  }

  public GateContext(String environment, String commit, Map<String, ImageRef> images, Instant promotedAt) {
    this(environment, commit, images, promotedAt, null, null, Set.of());
  }

  public GateContext(String environment, String commit, Map<String, ImageRef> images, Instant promotedAt,
      Predicate<String> history) {
    this(environment, commit, images, promotedAt, history, null, Set.of());
  }

  /** The same context for one service only: its image, the same commit and history. */
  public GateContext forService(String service) {
    ImageRef image = images.get(service);
    return new GateContext(environment, commit, image == null ? Map.of() : Map.of(service, image), promotedAt,
        history, repoUrl, firstDeployments.contains(service) ? Set.of(service) : Set.of());
  }

  /** True when a promoted service has never been deployed here before: its objects may not exist yet. */
  public boolean firstDeployment() {
    return images.keySet().stream().anyMatch(firstDeployments::contains);
  }

  /**
   * Whether a deployment at {@code revision} has the promoted commit: it is that commit, or, since
   * others may push to the same branch while the gates run, a later commit of the branch.
   */
  public boolean reached(String revision) {
    if (revision == null || commit == null || revision.length() < 7 || commit.length() < 7) {
      return false;
    }
    // deployment tools report full ids; accept an abbreviated one on either side
    String r = revision.toLowerCase(Locale.ROOT);
    String c = commit.toLowerCase(Locale.ROOT);
    if (r.startsWith(c) || c.startsWith(r)) {
      return true;
    }
    return history != null && history.test(revision);
  }
}
