package dev.ferry.core.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.image.ImageRef;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one rule for whether a block refuses an image. */
class BlockMatchTest {

  static final String C = "sha256:" + "c".repeat(64);
  static final String D = "sha256:" + "d".repeat(64);

  @ParameterizedTest(name = "block {0} against {1}: {2}")
  @CsvSource({
      // the same tag when either side lacks a digest
      "web:2.0@C, web:2.0, true",
      "web:2.0, web:2.0@C, true",
      "web:2.0, web:2.0, true",
      // the same digest under any tag, or none
      "web:2.0@C, web:9.9@C, true",
      "web:2.0@C, web@C, true",
      "web@C, web:2.0@C, true",
      // two different builds, whatever the tag says
      "web:2.0@C, web:2.0@D, false",
      "web:2.0, web:2.1, false",
      "web@C, web:2.0, false",
      "web:2.0@C, other:2.0@C, false",
      // the same repository however it is written
      "docker.io/library/web:2.0, web:2.0@C, true"})
  void holds(String blocked, String candidate, boolean holds) {
    assertThat(BlockMatch.holds(ref(blocked), ref(candidate))).isEqualTo(holds);
  }

  static ImageRef ref(String text) {
    return ImageRef.parse(text.replace("@C", "@" + C).replace("@D", "@" + D));
  }
}
