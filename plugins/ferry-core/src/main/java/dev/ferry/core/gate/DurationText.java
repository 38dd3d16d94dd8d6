package dev.ferry.core.gate;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in {@code ferry.yaml} and read them in messages: {@code 90s},
 * {@code 5m}, {@code 1h30m}, {@code 500ms}.
 *
 * <pre>{@code DurationText.parse("1h30m"); DurationText.format(Duration.ofMinutes(10)); // "10m"}</pre>
 */
public final class DurationText {

  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private DurationText() {
  }

  /** Parses {@code 1h30m}-style text; returns null when it is not one. */
  public static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    Matcher m = PART.matcher(text.trim());
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        return null;
      }
      long n = Long.parseLong(m.group(1));
      total = total.plus(switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      });
      end = m.end();
    }
    return end == text.trim().length() && end > 0 ? total : null;
  }

  /** Formats as the shortest {@code 1h30m}-style text, as Prometheus writes range windows. */
  public static String format(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    StringBuilder sb = new StringBuilder();
    long ms = d.toMillis();
    long h = ms / 3_600_000;
    long m = ms / 60_000 % 60;
    long s = ms / 1000 % 60;
    long rest = ms % 1000;
    if (h > 0) {
      sb.append(h).append('h');
    }
    if (m > 0) {
      sb.append(m).append('m');
    }
    if (s > 0) {
      sb.append(s).append('s');
    }
    if (rest > 0) {
      sb.append(rest).append("ms");
    }
    return sb.toString();
  }
}
