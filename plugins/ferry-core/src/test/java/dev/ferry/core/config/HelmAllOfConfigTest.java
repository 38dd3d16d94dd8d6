package dev.ferry.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code allOf: true} on a helm target: every key holding the service's repository, validated at load. */
class HelmAllOfConfigTest {

  static String withTarget(String target) {
    return ConfigLoaderTest.replace("{helm: \"envs/{env}/{service}/values.yaml\"}", target);
  }

  @Test
  void allOfIsReadOntoTheHelmTargetAndSurvivesPlaceholders() {
    FerryConfig config = ConfigLoaderTest.parse(withTarget("{helm: \"envs/{env}/{service}/values.yaml\", allOf: true}"));
    TargetConfig target = config.environment("dev").targetFor("web");
    assertThat(target).isEqualTo(new HelmTarget("envs/dev/web/values.yaml", "image", "envs/dev/web", true));
    FerryConfig plain = ConfigLoaderTest.parse(ConfigLoaderTest.VALID);
    assertThat(((HelmTarget) plain.environment("dev").targetFor("web")).allOf()).isFalse();
  }

  @Test
  void allOfBesideKeyOrNotABooleanIsAProblemAtItsLine() {
    assertThat(ConfigLoader.problems("ferry.yaml",
        withTarget("{helm: \"envs/{env}/{service}/values.yaml\", key: web.image, allOf: true}")))
        .map(ConfigProblem::toString)
        .containsExactly("ferry.yaml:12:78: 'allOf: true' in target '*' of environment 'dev' sets every key holding"
            + " the service's image; it cannot go with 'key: web.image': give one");
    assertThat(ConfigLoader.problems("ferry.yaml", withTarget("{helm: \"envs/{env}/{service}/values.yaml\", allOf: all}")))
        .map(ConfigProblem::toString)
        .containsExactly("ferry.yaml:12:62: 'allOf' in target '*' of environment 'dev' must be true or false, not 'all'");
  }
}
