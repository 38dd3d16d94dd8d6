package dev.ferry.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.render.RenderUnit;
import dev.ferry.core.render.Renderer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Child processes get only the variables their kind needs. */
class ChildEnvironmentTest {

  static final Map<String, String> CI = Map.of("PATH", "/usr/bin:/bin", "HOME", "/home/ci", "GIT_TOKEN", "ghp_s3cret",
      "ARGOCD_TOKEN", "argo-s3cret", "FERRY_REGISTRY_PASSWORD", "reg-s3cret", "DOCKER_HOST", "unix:///run/docker.sock",
      "HTTPS_PROXY", "http://proxy:3128");

  @Test
  void eachKindKeepsOnlyWhatItNeedsAndWhatTheCallerAdds() {
    assertThat(ChildEnvironment.of(ChildEnvironment.Program.MINIMAL, CI, Map.of()))
        .containsOnlyKeys("PATH", "HOME");
    assertThat(ChildEnvironment.of(ChildEnvironment.Program.CONTAINER_ENGINE, CI, Map.of("REGISTRY_AUTH_FILE", "/tmp/a")))
        .containsOnlyKeys("PATH", "HOME", "DOCKER_HOST", "HTTPS_PROXY", "REGISTRY_AUTH_FILE");
    assertThat(ChildEnvironment.of(ChildEnvironment.Program.SCANNER, CI, Map.of()))
        .doesNotContainKeys("GIT_TOKEN", "ARGOCD_TOKEN", "FERRY_REGISTRY_PASSWORD");
  }

  @Test
  void kustomizeRunsWithTheMinimalEnvironment(@TempDir Path dir) throws Exception {
    // the real launch path of Renderer, with a command that prints its environment instead of rendering
    Files.writeString(dir.resolve("kustomization.yaml"), "resources: []\n");
    String printed = new Renderer(List.of("sh", "-c", "env", "sh"), Duration.ofSeconds(30))
        .render(new RenderUnit.Kustomize(dir));
    Set<String> names = Arrays.stream(printed.split("\n")).filter(l -> l.contains("="))
        .map(l -> l.substring(0, l.indexOf('='))).collect(Collectors.toSet());
    // the shell itself sets PWD, SHLVL and _
    names.removeAll(Set.of("PWD", "SHLVL", "_", "OLDPWD"));
    assertThat(System.getenv().keySet()).as("the test JVM has variables kustomize must not see")
        .anyMatch(k -> !ChildEnvironment.Program.MINIMAL.variables().contains(k));
    assertThat(ChildEnvironment.Program.MINIMAL.variables()).containsAll(names);
    assertThat(names).contains("PATH");
  }
}
