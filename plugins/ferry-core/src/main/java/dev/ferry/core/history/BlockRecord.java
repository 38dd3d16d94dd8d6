package dev.ferry.core.history;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.ferry.core.image.ImageRef;
import java.time.Instant;

/**
 * A version refused in an environment after it failed there, kept in the note of the rollback
 * commit. Later promotions of that image into that environment are refused until it is released.
 *
 * @param environment where it failed
 * @param service the service whose image failed
 * @param image the failed image, with digest when known
 * @param reason why it was rolled back, e.g. the failing gate's reason
 * @param at when
 * @param by who or what rolled back
 * @param released set by {@code ferry release}; null while the block holds
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BlockRecord(
    String environment,
    String service,
    String image,
    String reason,
    Instant at,
    String by,
    Release released) {

  /** Who lifted a block, and when. */
  public record Release(Instant at, String by) {
  }

  @JsonIgnore
  public boolean active() {
    return released == null;
  }

  /** Whether this block holds against that image there ({@link BlockMatch}). */
  public boolean matches(String environment, String service, String image) {
    return this.environment.equals(environment) && this.service.equals(service)
        && BlockMatch.holds(ImageRef.parse(this.image), ImageRef.parse(image));
  }

  BlockRecord released(Release release) {
    return new BlockRecord(environment, service, image, reason, at, by, release);
  }
}
