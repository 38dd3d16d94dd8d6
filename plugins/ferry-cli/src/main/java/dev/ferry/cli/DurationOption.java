package dev.ferry.cli;

import dev.ferry.core.Durations;
import dev.ferry.core.InputException;
import java.time.Duration;

/** Durations on the command line as in ferry.yaml: {@code 90s}, {@code 10m}, {@code 1h30m}. */
final class DurationOption {

  private DurationOption() {
  }

  static Duration parse(String option, String text) {
    return Durations.parse(text).orElseThrow(() ->
        new InputException(option + ": '" + text + "' is not a duration (examples: " + Durations.EXAMPLES + ")"));
  }
}
