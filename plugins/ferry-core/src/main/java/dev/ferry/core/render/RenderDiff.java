package dev.ferry.core.render;

import java.util.List;

/**
 * What changed between two renders of the same manifests.
 *
 * <pre>{@code
 * RenderDiff diff = guard.compare(before, after, Set.of(image));
 * if (!diff.onlyImages()) { ... diff.otherChanges() ... }
 * System.out.print(diff.unifiedDiff());
 * }</pre>
 *
 * @param changedImages image changes the promotion explains, e.g.
 *     {@code Deployment/web container web: registry/shop/web:1.4.1 -> registry/shop/web:1.4.2}
 * @param otherChanges every other change, e.g. {@code Deployment/web: spec.replicas: 1 -> 3}
 * @param unifiedDiff the line diff of the two renders, empty when they are the same
 */
public record RenderDiff(List<String> changedImages, List<String> otherChanges, String unifiedDiff) {

  public RenderDiff {
    changedImages = List.copyOf(changedImages);
    otherChanges = List.copyOf(otherChanges);
  }

  /** Nothing changed but the images of the promoted services. */
  public boolean onlyImages() {
    return otherChanges.isEmpty();
  }
}
