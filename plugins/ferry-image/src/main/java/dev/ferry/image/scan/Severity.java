package dev.ferry.image.scan;

import java.util.Locale;
import java.util.Optional;

/** A vulnerability's severity, ordered from least to most severe. */
public enum Severity {
  UNKNOWN, NEGLIGIBLE, LOW, MEDIUM, HIGH, CRITICAL;

  /** Reads a scanner's severity word (any case); anything else is empty. */
  public static Optional<Severity> of(String text) {
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(valueOf(text.trim().toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The CVSS-style score bands GitHub uses for {@code security-severity}. */
  public static Severity ofScore(double score) {
    if (score >= 9.0) {
      return CRITICAL;
    }
    if (score >= 7.0) {
      return HIGH;
    }
    if (score >= 4.0) {
      return MEDIUM;
    }
    return score > 0 ? LOW : UNKNOWN;
  }

  /** A representative score, for writing {@code security-severity} in SARIF. */
  public String score() {
    return switch (this) {
      case CRITICAL -> "9.5";
      case HIGH -> "8.0";
      case MEDIUM -> "5.5";
      case LOW -> "2.0";
      case NEGLIGIBLE, UNKNOWN -> "0.0";
    };
  }

  public boolean atLeast(Severity other) {
    return compareTo(other) >= 0;
  }
}
