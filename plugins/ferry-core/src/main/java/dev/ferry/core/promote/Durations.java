package dev.ferry.core.promote;

import java.time.Duration;

/** Durations as people write them: {@code 1h30m}, {@code 45s}. */
final class Durations {

  private Durations() {
  }

  static String format(Duration d) {
    long s = Math.max(0, d.getSeconds());
    StringBuilder out = new StringBuilder();
    if (s >= 3600) {
      out.append(s / 3600).append('h');
      s %= 3600;
    }
    if (s >= 60) {
      out.append(s / 60).append('m');
      s %= 60;
    }
    if (s > 0 || out.length() == 0) {
      out.append(s).append('s');
    }
    return out.toString();
  }
}
