package dev.ferry.core.history;

import dev.ferry.core.image.ImageRef;

/**
 * Whether a block holds against an image: the one rule that every reader of blocks (the policy,
 * {@code ferry release}, the state index) applies.
 *
 * <ul>
 *   <li>the same digest under any tag (a digest names the bytes that failed);
 *   <li>the same tag when either side lacks a digest: {@code web:2.0} rolled back as
 *       {@code web:2.0@sha256:C} must not come back as {@code web:2.0 --no-resolve}, nor
 *       {@code web:4.0} blocked without a digest come back once the registry pins it;
 *   <li>both digests known and different: a different build, not blocked, whatever the tag says.
 * </ul>
 *
 * <pre>{@code
 * BlockMatch.holds(ImageRef.parse("web:2.0@sha256:c..."), ImageRef.parse("web:2.0"))   // true
 * }</pre>
 */
public final class BlockMatch {

  private BlockMatch() {
  }

  /** Whether {@code blocked} (as recorded in the block) refuses {@code candidate}. */
  public static boolean holds(ImageRef blocked, ImageRef candidate) {
    if (!blocked.sameRepository(candidate)) {
      return false;
    }
    if (blocked.digest() != null && candidate.digest() != null) {
      return blocked.digest().equals(candidate.digest());
    }
    return blocked.tag() != null && blocked.tag().equals(candidate.tag());
  }
}
