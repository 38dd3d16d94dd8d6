package dev.ferry.core.notify;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Something that happened to an environment, told to notification receivers and Grafana: a
 * promotion landed, a verification passed or failed, a rollback, a block, a release, a pull request.
 *
 * <pre>{@code
 * DeliveryEvent.of(DeliveryEvent.ROLLED_BACK, "prod", Map.of("web", "reg/web:1.4.1"), commit, id, "ferry", reason, clock.instant());
 * }</pre>
 *
 * @param type one of {@link #TYPES}
 * @param environment where
 * @param images service → image the event is about (the image put in place, or the one blocked)
 * @param commit the environment repository commit, or null
 * @param promotionId the promotion or rollback id, or null
 * @param by who acted
 * @param reason why (a gate's reason, a rollback's reason), or null; text from outside Ferry
 * @param link a pull request or CI build URL, or null
 * @param at when
 */
public record DeliveryEvent(String type, String environment, Map<String, String> images, String commit,
    String promotionId, String by, String reason, String link, Instant at) {

  public static final String PROMOTED = "promoted";
  public static final String VERIFIED = "verified";
  public static final String VERIFICATION_FAILED = "verification-failed";
  public static final String ROLLED_BACK = "rolled-back";
  public static final String BLOCKED = "blocked";
  public static final String RELEASED = "released";
  public static final String PULL_REQUEST_OPENED = "pull-request-opened";

  /** Every event type, as {@code on:} filters name them. */
  public static final List<String> TYPES = dev.ferry.core.config.NotificationConfig.EVENTS;

  public DeliveryEvent {
    images = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(images));
  }

  /** One line for a person: {@code Rolled back web to 1.4.1 in prod}. */
  public String title() {
    String what = describe();
    return switch (type) {
      case PROMOTED -> "Promoted " + what + " to " + environment;
      case VERIFIED -> "Verified " + what + " in " + environment;
      case VERIFICATION_FAILED -> "Verification of " + what + " failed in " + environment;
      case ROLLED_BACK -> "Rolled back " + what + " in " + environment;
      case BLOCKED -> "Blocked " + what + " in " + environment;
      case RELEASED -> "Released " + what + " in " + environment;
      case PULL_REQUEST_OPENED -> "Pull request to promote " + what + " to " + environment;
      default -> type + " " + what + " in " + environment;
    };
  }

  /** {@code web 1.4.2, api 2.1.0}: each service with its tag, else its digest. */
  public String describe() {
    List<String> parts = new java.util.ArrayList<>();
    images.forEach((service, image) -> parts.add(service + " " + shortVersion(image)));
    return String.join(", ", parts);
  }

  private static String shortVersion(String image) {
    int at = image.indexOf('@');
    String name = at < 0 ? image : image.substring(0, at);
    int colon = name.lastIndexOf(':');
    if (colon > name.lastIndexOf('/')) {
      return name.substring(colon + 1);
    }
    return at < 0 ? image : image.substring(at + 1, Math.min(image.length(), at + 20));
  }
}
