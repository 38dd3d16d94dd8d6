package dev.ferry.core.config;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as {@code ferry.yaml} writes them: {@code 30s}, {@code 10m}, {@code 1h}, {@code 1h30m},
 * {@code 0}.
 *
 * <pre>{@code DurationFormat.parse("1h30m") // Optional[PT1H30M]}</pre>
 */
public final class DurationFormat {

  private static final Pattern FORMAT = Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");

  /** What the error messages show as allowed. */
  public static final String EXAMPLES = "30s, 10m, 1h or 1h30m";

  private DurationFormat() {
  }

  /** The duration, or empty when the text is not one. */
  public static Optional<Duration> parse(String text) {
    if (text == null || text.isEmpty()) {
      return Optional.empty();
    }
    if (text.equals("0")) {
      return Optional.of(Duration.ZERO);
    }
    Matcher m = FORMAT.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      Duration d = Duration.ZERO;
      if (m.group(1) != null) {
        d = d.plusHours(Long.parseLong(m.group(1)));
      }
      if (m.group(2) != null) {
        d = d.plusMinutes(Long.parseLong(m.group(2)));
      }
      if (m.group(3) != null) {
        d = d.plusSeconds(Long.parseLong(m.group(3)));
      }
      return Optional.of(d);
    } catch (NumberFormatException | ArithmeticException e) {
      return Optional.empty();
    }
  }

  /** The shortest text that {@link #parse} reads back: {@code 1h30m}, {@code 45s}, {@code 0}. */
  public static String format(Duration duration) {
    if (duration.isZero()) {
      return "0";
    }
    StringBuilder s = new StringBuilder();
    long h = duration.toHours();
    int m = duration.toMinutesPart();
    int sec = duration.toSecondsPart();
    if (h > 0) {
      s.append(h).append('h');
    }
    if (m > 0) {
      s.append(m).append('m');
    }
    if (sec > 0) {
      s.append(sec).append('s');
    }
    return s.toString();
  }
}
