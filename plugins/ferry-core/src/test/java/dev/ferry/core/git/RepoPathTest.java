package dev.ferry.core.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.InputException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Paths from configuration, trailers and backoff: the small rules of the git layer. */
class RepoPathTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "../outside.yaml        | it contains a '..' segment",
      "envs/../../etc/passwd  | it contains a '..' segment",
      "/etc/passwd            | it is absolute",
      "envs\\dev\\values.yaml | it contains a backslash",
      ".git/config            | it contains a '.git' component",
      "envs/.GIT/hooks/x      | it contains a '.git' component",
      "envs//values.yaml      | it has an empty component",
      "envs/dev/              | it has an empty component",
      "./values.yaml          | it contains a '.' segment",
  })
  void refusesPathsThatLeaveTheRepository(String path, String why) {
    assertThatThrownBy(() -> RepoPath.check(path)).isInstanceOf(InputException.class)
        .hasMessageContaining("'" + path + "'").hasMessageContaining(why);
  }

  @ParameterizedTest
  @ValueSource(strings = {"values.yaml", "envs/dev/web/values.yaml", "a/.gitignore", "a/..b/c", "ünïcode/x.yaml"})
  void acceptsRelativePaths(String path) {
    assertThat(RepoPath.check(path)).isEqualTo(path);
  }

  @Test
  void trailersRoundTripThroughTheMessage() {
    List<Trailer> trailers = List.of(new Trailer("Ferry-Service", "web"), new Trailer("Ferry-Promoted-By", "a"),
        new Trailer("Ferry-Promoted-By", "b"));
    ChangeSet cs = new ChangeSet(java.util.Map.of(), "Promote web", "Why: a body line\nthat is not a trailer.", trailers, null);
    assertThat(cs.message()).isEqualTo("Promote web\n\nWhy: a body line\nthat is not a trailer.\n\n"
        + "Ferry-Service: web\nFerry-Promoted-By: a\nFerry-Promoted-By: b\n");
    assertThat(Trailers.parse(cs.message())).isEqualTo(trailers);
    assertThat(Trailers.parse("Subject only\n")).isEmpty();
    assertThatThrownBy(() -> new Trailer("Bad Key", "v")).isInstanceOf(InputException.class);
    assertThatThrownBy(() -> new Trailer("Key", "two\nlines")).isInstanceOf(InputException.class);
  }

  @Test
  void backoffGrowsWithinItsBoundsAndIsJittered() {
    RetryPolicy p = RetryPolicy.DEFAULT;
    Random r = new Random(3);
    for (int attempt = 1; attempt < 10; attempt++) {
      long cap = Math.min(p.maxBackoff().toMillis(), p.firstBackoff().toMillis() << (attempt - 1));
      for (int i = 0; i < 50; i++) {
        assertThat(p.backoffMillis(attempt, r)).isBetween(cap / 10, cap);
      }
    }
    assertThat(java.util.stream.IntStream.range(0, 20).mapToLong(i -> p.backoffMillis(5, r)).distinct().count())
        .isGreaterThan(10);
  }
}
