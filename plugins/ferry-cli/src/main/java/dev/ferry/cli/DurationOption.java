package dev.ferry.cli;

import dev.ferry.core.InputException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations on the command line as in ferry.yaml: {@code 90s}, {@code 10m}, {@code 1h30m}. */
final class DurationOption {

  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h)");

  private DurationOption() {
  }

  static Duration parse(String option, String text) {
    Matcher m = PART.matcher(text);
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find() && m.start() == end) {
      long n = Long.parseLong(m.group(1));
      total = total.plus(switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      });
      end = m.end();
    }
    if (end == 0 || end != text.length()) {
      throw new InputException(option + ": '" + text + "' is not a duration (examples: 90s, 10m, 1h30m)");
    }
    return total;
  }
}
