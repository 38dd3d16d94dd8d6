package dev.ferry.image.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.image.ImageRef;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OciLabelsTest {

  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-29T14:00:00.123Z"), ZoneOffset.UTC);
  static final ImageRef IMAGE = ImageRef.parse("registry.example.com/shop/web:1.4.2");

  @Test
  void jenkinsGitVariablesWithoutCredentials() {
    Map<String, String> labels = OciLabels.fromCi(Map.of(
        "GIT_URL", "https://ci-bot:tok3n@git.example.com/shop/web.git", "GIT_COMMIT", "0123abcd"), CLOCK, IMAGE);
    assertThat(labels).containsExactly(
        Map.entry(OciLabels.SOURCE, "https://git.example.com/shop/web.git"),
        Map.entry(OciLabels.REVISION, "0123abcd"),
        Map.entry(OciLabels.CREATED, "2026-11-29T14:00:00Z"),
        Map.entry(OciLabels.VERSION, "1.4.2"));
  }

  @Test
  void githubActionsVariables() {
    Map<String, String> labels = OciLabels.fromCi(Map.of(
        "GITHUB_SERVER_URL", "https://github.com", "GITHUB_REPOSITORY", "shop/web", "GITHUB_SHA", "feedbeef"),
        CLOCK, IMAGE);
    assertThat(labels).containsEntry(OciLabels.SOURCE, "https://github.com/shop/web")
        .containsEntry(OciLabels.REVISION, "feedbeef");
  }

  @Test
  void sourceDateEpochMakesCreatedReproducibleAndLatestIsNoVersion() {
    Map<String, String> labels = OciLabels.fromCi(Map.of("SOURCE_DATE_EPOCH", "1700000000"), CLOCK,
        ImageRef.parse("registry.example.com/shop/web:latest"));
    assertThat(labels).containsExactly(Map.entry(OciLabels.CREATED, "2023-11-14T22:13:20Z"));
  }
}
