package dev.ferry.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest
  @CsvSource({"30s, PT30S", "10m, PT10M", "1h, PT1H", "1h30m, PT1H30M", "2h5m7s, PT2H5M7S", "0, PT0S", "90s, PT1M30S", "500ms, PT0.5S", "3d, PT72H", "1m30s250ms, PT1M30.25S"})
  void parsesDurations(String text, String expected) {
    assertThat(Durations.parse(text)).contains(Duration.parse(expected));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "10", "10 m", "1D", "m", "1m1h", "-5m", "1.5h", "5ms1s", "1h1h"})
  void refusesOtherText(String text) {
    assertThat(Durations.parse(text)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"PT1H30M, 1h30m", "PT45S, 45s", "PT0S, 0", "PT2H, 2h", "PT0.25S, 250ms"})
  void formatsWhatItParses(String duration, String text) {
    assertThat(Durations.format(Duration.parse(duration))).isEqualTo(text);
    assertThat(Durations.parse(text)).contains(Duration.parse(duration));
  }
}
