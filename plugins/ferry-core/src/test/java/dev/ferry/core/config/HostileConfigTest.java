package dev.ferry.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.InputException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ferry.yaml shaped to exhaust the loader: deep nesting, huge mappings. Each ends in a located error. */
class HostileConfigTest {

  private static final String HEAD = """
      apiVersion: ferry/v1
      repos:
        env: {url: https://git.example.com/env.git}
      """;

  @Test
  void tenThousandNestedListsAreRefusedWithTheFileAndPlace() {
    String text = HEAD + "services: " + "[".repeat(10_000) + "]".repeat(10_000) + "\n";

    assertThatThrownBy(() -> ConfigLoader.parse("ferry.yaml", text, Path.of("/p")))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("nested deeper than " + ConfigLoader.MAX_DEPTH + " levels")
        .satisfies(e -> assertThat(((InputException) e).location().orElseThrow().toString())
            .startsWith("ferry.yaml:4:"));
  }

  @Test
  void tenThousandNestedMappingsAreRefused() {
    String text = HEAD + "services: " + "{a: ".repeat(10_000) + "1" + "}".repeat(10_000) + "\n";

    assertThat(ConfigLoader.problems("ferry.yaml", text))
        .singleElement()
        .satisfies(p -> assertThat(p.toString()).startsWith("ferry.yaml:4:")
            .contains("nested deeper than " + ConfigLoader.MAX_DEPTH));
  }

  @Test
  void nestingAsDeepAsTheLimitStillLoads() {
    // a service's settings as the innermost of MAX_DEPTH levels: the check counts, it does not guess
    String nested = "{x: ".repeat(ConfigLoader.MAX_DEPTH - 1) + "1" + "}".repeat(ConfigLoader.MAX_DEPTH - 1);
    String text = HEAD + "extra: " + nested + "\n";

    assertThat(ConfigLoader.problems("ferry.yaml", text))
        .noneMatch(p -> p.message().contains("nested deeper"));
  }

  @Test
  void fortyThousandUnknownAndDuplicateKeysAreEachReportedAtTheirLine() {
    // every key of the top-level mapping reported: each finds its key node through one index of the
    // mapping, not a scan of it (the scan took 96 s for 40,000 keys)
    StringBuilder text = new StringBuilder(HEAD);
    for (int i = 0; i < 20_000; i++) {
      text.append("unknown").append(i).append(": 1\n");
    }
    for (int i = 0; i < 20_000; i++) {
      text.append("repos: {}\n");
    }

    List<ConfigProblem> problems = ConfigLoader.problems("ferry.yaml", text.toString());

    assertThat(problems.stream().filter(p -> p.message().startsWith("unknown key 'unknown"))).hasSize(20_000);
    assertThat(problems.stream().filter(p -> p.message().equals("duplicate key 'repos' in the top level")))
        .hasSize(20_000);
    assertThat(problems.stream().map(ConfigProblem::toString).filter(p -> p.contains("'unknown19999'")).toList())
        .containsExactly("ferry.yaml:20003:1: unknown key 'unknown19999' at the top level (known: apiVersion, repos,"
            + " registries, services, environments, git, metrics, notifications)");
  }

  @Test
  void anErrorWithTensOfThousandsOfProblemsListsTheFirstHundredAndCountsTheRest() {
    StringBuilder text = new StringBuilder(HEAD);
    for (int i = 0; i < 40_000; i++) {
      text.append("repos: {}\n");
    }

    assertThatThrownBy(() -> ConfigLoader.parse("ferry.yaml", text.toString(), Path.of("/p")))
        .isInstanceOf(InputException.class)
        .satisfies(e -> {
          List<String> lines = e.getMessage().lines().toList();
          assertThat(lines).hasSize(ConfigLoader.MAX_SHOWN + 1);
          assertThat(lines.get(lines.size() - 1))
              .isEqualTo("(" + (40_002 - ConfigLoader.MAX_SHOWN) + " more problems not shown)");
        });
  }
}
