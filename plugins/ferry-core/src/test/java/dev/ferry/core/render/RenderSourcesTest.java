package dev.ferry.core.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.InputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What {@link RenderSources} refuses before a render, as files in a temporary tree. */
class RenderSourcesTest {

  @TempDir Path dir;
  Path root;

  @BeforeEach
  void tree() throws IOException {
    root = Files.createDirectories(dir.resolve("repo"));
    Files.createDirectories(dir.resolve("outside"));
    Files.writeString(dir.resolve("outside/kustomization.yaml"), "resources: [secret.yaml]\n");
    write("base/kustomization.yaml", "resources:\n  - deployment.yaml\n");
    write("base/deployment.yaml", "kind: Deployment\n");
  }

  void write(String path, String text) throws IOException {
    Path p = root.resolve(path);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
  }

  InputException refusal(String overlay) throws IOException {
    write("envs/dev/kustomization.yaml", overlay);
    try {
      RenderSources.check(root, new RenderUnit.Kustomize(root.resolve("envs/dev")));
    } catch (InputException e) {
      return e;
    }
    throw new AssertionError("not refused: " + overlay);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "resources:\\n  - https://example.com/app.yaml|resources|https://example.com/app.yaml|2",
      "resources:\\n  - ../../base\\n  - github.com/org/repo//deploy?ref=v1|resources|github.com/org/repo//deploy?ref=v1|3",
      "bases:\\n  - git@github.com:org/repo.git|bases|git@github.com:org/repo.git|2",
      "components:\\n  - ssh://git.example.com/comp|components|ssh://git.example.com/comp|2",
      "resources:\\n  - http://169.254.169.254/latest/meta-data|resources|http://169.254.169.254/latest/meta-data|2"})
  void remoteReferencesAreRefusedWithTheirLine(String overlay, String field, String value, int line) throws IOException {
    InputException e = refusal(overlay.replace("\\n", "\n"));
    assertThat(e).hasMessageStartingWith(field + " '" + value + "' is remote");
    assertThat(e.location().orElseThrow().toString()).isEqualTo("envs/dev/kustomization.yaml:" + line + ":5");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "resources:\\n  - ../../../outside|resources|../../../outside",
      "patches:\\n  - path: ../../../outside/kustomization.yaml|patches|../../../outside/kustomization.yaml",
      "configMapGenerator:\\n  - name: c\\n    files:\\n      - key=../../../outside/kustomization.yaml|configMapGenerator.files|../../../outside/kustomization.yaml",
      "secretGenerator:\\n  - name: s\\n    envs: [../../../outside/kustomization.yaml]|secretGenerator.envs|../../../outside/kustomization.yaml"})
  void pathsOutOfTheTreeAreRefused(String overlay, String field, String value) throws IOException {
    assertThat(refusal(overlay.replace("\\n", "\n")))
        .hasMessageStartingWith(field + " '" + value + "' leaves the environment repository");
  }

  @Test
  void aBaseIsReadInTurnAndItsOwnEscapeIsRefusedWithItsFile() throws IOException {
    write("base/kustomization.yaml", "resources:\n  - deployment.yaml\n  - ../../outside\n");
    InputException e = refusal("resources:\n  - ../../base\n");
    assertThat(e).hasMessageStartingWith("resources '../../outside' leaves the environment repository");
    assertThat(e.location().orElseThrow().toString()).isEqualTo("base/kustomization.yaml:3:5");
  }

  @Test
  void aLinkOutOfTheTreeIsRefused() throws IOException {
    Files.createSymbolicLink(root.resolve("escape"), dir.resolve("outside"));
    assertThat(refusal("resources:\n  - ../../escape\n")).hasMessageContaining("leaves the environment repository");
  }

  @Test
  void helmChartsInAKustomizationAreRefused() throws IOException {
    assertThat(refusal("helmCharts:\n  - name: x\n    repo: https://charts.example.com\n"))
        .hasMessageStartingWith("'helmCharts' downloads and renders charts");
  }

  @Test
  void localBasesPatchesAndGeneratorsPass() throws IOException {
    write("envs/dev/patch.yaml", "kind: Deployment\n");
    write("envs/dev/app.properties", "a=b\n");
    write("envs/dev/kustomization.yaml", """
        resources:
          - ../../base
        patches:
          - path: patch.yaml
          - patch: |-
              - op: add
        patchesStrategicMerge:
          - |-
            kind: Deployment
        configMapGenerator:
          - name: app
            files: [config=app.properties]
        """);
    assertThatCode(() -> RenderSources.check(root, new RenderUnit.Kustomize(root.resolve("envs/dev"))))
        .doesNotThrowAnyException();
  }

  @Test
  void aChartMayNotDependOnFilesOutsideItsFolderOrOnARemoteRepository() throws IOException {
    write("charts/app/Chart.yaml", "apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n"
        + "  - name: lib\n    version: 0.1.0\n    repository: file://../../../outside\n");
    RenderUnit.Helm unit = new RenderUnit.Helm(root.resolve("charts/app"), null, "web", "dev");
    assertThatThrownBy(() -> RenderSources.check(root, unit))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith("dependency repository 'file://../../../outside' is outside the chart folder charts/app")
        .satisfies(e -> assertThat(((InputException) e).location().orElseThrow())
            .hasToString("charts/app/Chart.yaml:7:17"));

    write("charts/app/Chart.yaml", "apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n"
        + "  - name: lib\n    version: 0.1.0\n    repository: https://charts.example.com\n");
    assertThatThrownBy(() -> RenderSources.check(root, unit))
        .hasMessageStartingWith("dependency repository 'https://charts.example.com' is remote and not vendored");
  }

  @Test
  void aLinkInAChartToOutsideIsRefused() throws IOException {
    write("charts/app/Chart.yaml", "apiVersion: v2\nname: app\nversion: 0.1.0\n");
    Files.createSymbolicLink(root.resolve("charts/app/values.yaml"), dir.resolve("outside/kustomization.yaml"));
    assertThatThrownBy(() -> RenderSources.check(root, new RenderUnit.Helm(root.resolve("charts/app"), null, "web", "dev")))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith("charts/app/values.yaml is a link out of the chart charts/app");
  }
}
