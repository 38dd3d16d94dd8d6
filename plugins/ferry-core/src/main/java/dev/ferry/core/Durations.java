package dev.ferry.core;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in {@code ferry.yaml}, on the command line and in messages:
 * {@code 500ms}, {@code 30s}, {@code 10m}, {@code 1h30m}, {@code 3d}, {@code 0}. Units go from the
 * largest to the smallest, each at most once, as Prometheus writes range windows.
 *
 * <pre>{@code Durations.parse("1h30m"); // Optional[PT1H30M]
 * Durations.format(Duration.ofSeconds(90)); // "1m30s"}</pre>
 */
public final class Durations {

  private static final Pattern FORMAT = Pattern.compile("(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m(?!s))?(?:(\\d+)s)?(?:(\\d+)ms)?");

  /** What error messages show as allowed. */
  public static final String EXAMPLES = "30s, 10m, 1h or 1h30m";

  private Durations() {
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
      d = d.plusDays(number(m.group(1)));
      d = d.plusHours(number(m.group(2)));
      d = d.plusMinutes(number(m.group(3)));
      d = d.plusSeconds(number(m.group(4)));
      d = d.plusMillis(number(m.group(5)));
      return Optional.of(d);
    } catch (NumberFormatException | ArithmeticException e) {
      return Optional.empty();
    }
  }

  private static long number(String group) {
    return group == null ? 0 : Long.parseLong(group);
  }

  /** The shortest text that {@link #parse} reads back: {@code 1h30m}, {@code 45s}, {@code 250ms}, {@code 0}. */
  public static String format(Duration duration) {
    if (duration.isZero() || duration.isNegative()) {
      return "0";
    }
    StringBuilder s = new StringBuilder();
    long h = duration.toHours();
    append(s, h, "h");
    append(s, duration.toMinutesPart(), "m");
    append(s, duration.toSecondsPart(), "s");
    append(s, duration.toMillisPart(), "ms");
    return s.toString();
  }

  private static void append(StringBuilder s, long n, String unit) {
    if (n > 0) {
      s.append(n).append(unit);
    }
  }
}
