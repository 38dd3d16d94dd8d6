package dev.ferry.cli;

import dev.ferry.core.InputException;
import dev.ferry.core.image.ImageRef;
import dev.ferry.core.image.RegistryAccess;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the image commands share: registry access from the environment, and durations. */
final class ImageOptions {

  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

  private ImageOptions() {
  }

  /** Access from the environment; {@code insecure} marks the image's registry as plain HTTP. */
  static RegistryAccess access(ImageRef image, boolean insecure) {
    RegistryAccess access = RegistryAccess.fromEnvironment(System.getenv());
    return insecure && image != null ? access.withInsecure(image.effectiveRegistry()) : access;
  }

  /** {@code 90s}, {@code 30m}, {@code 1h}, {@code 500ms}. */
  static Duration duration(String option, String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      throw new InputException(option + " '" + text + "' is not a duration such as 90s, 30m or 1h");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }
}
