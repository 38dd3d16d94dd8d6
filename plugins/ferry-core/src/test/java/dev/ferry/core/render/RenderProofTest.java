package dev.ferry.core.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.RefusedException;
import dev.ferry.core.edit.ImageTarget;
import dev.ferry.core.image.ImageRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The render proves the edit: a real chart (helm-java) and a real overlay ({@code kubectl kustomize}). */
class RenderProofTest {

  @TempDir
  Path dir;

  final Renderer renderer = new Renderer();
  final List<String> warnings = new ArrayList<>();
  Path chart;
  Path overlay;

  @BeforeEach
  void copyFixtures() throws Exception {
    Path fixtures = Path.of(getClass().getResource("proof/chart/Chart.yaml").toURI()).getParent().getParent();
    try (Stream<Path> walk = Files.walk(fixtures)) {
      for (Path p : walk.toList()) {
        Path to = dir.resolve(fixtures.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to);
        }
      }
    }
    chart = dir.resolve("chart");
    overlay = dir.resolve("overlay");
  }

  @Test
  void anEditInTheChartsLayoutIsProven() throws Exception {
    Path values = chart.resolve("values.yaml");
    ImageRef image = ImageRef.parse("ghcr.io/acme/exporter:v1.1.0");
    String after = ImageTarget.helm("exporter.image").write("values.yaml", Files.readString(values), image);
    RenderProof.proveHelm(renderer, chart, values, after, Set.of(image), "values.yaml key exporter.image", warnings::add);
    assertThat(warnings).isEmpty();
  }

  @Test
  void aFullReferenceInARepositoryStringIsRefusedAsTheMalformedImageItRenders() throws Exception {
    Path values = chart.resolve("values.yaml");
    ImageRef image = ImageRef.parse("ghcr.io/acme/exporter:v1.1.0");
    // what a guessing editor writes: the whole reference into the repository string, the tag left beside it
    String after = Files.readString(values).replace("image: ghcr.io/acme/exporter", "image: ghcr.io/acme/exporter:v1.1.0");
    assertThatThrownBy(() -> RenderProof.proveHelm(renderer, chart, values, after, Set.of(image), "values.yaml key"
        + " exporter.image", warnings::add))
        .isInstanceOfSatisfying(RefusedException.class, e -> assertThat(e.getMessage()).isEqualTo(
            "the edit of values.yaml key exporter.image does not render the promoted image: Deployment/release"
                + " container exporter renders the malformed image 'ghcr.io/acme/exporter:v1.1.0:v1.0.0';"
                + " no container runs ghcr.io/acme/exporter:v1.1.0 (the render has ghcr.io/acme/exporter:v1.1.0:v1.0.0,"
                + " docker.io/grafana/grafana:10.3.3)"));
  }

  @Test
  void aRepositoryHoldingTheRegistryTwiceIsRefused() throws Exception {
    Path values = chart.resolve("values.yaml");
    ImageRef image = ImageRef.parse("docker.io/grafana/grafana:11.0");
    String after = Files.readString(values).replace("repository: grafana/grafana", "repository: docker.io/grafana/grafana")
        .replace("\"10.3.3\"", "\"11.0\"");
    assertThatThrownBy(() -> RenderProof.proveHelm(renderer, chart, values, after, Set.of(image), "values.yaml key"
        + " grafana.image", warnings::add))
        .isInstanceOf(RefusedException.class)
        .hasMessageContaining("renders 'docker.io/docker.io/grafana/grafana:11.0', which is not the promoted"
            + " docker.io/grafana/grafana:11.0");
  }

  @Test
  void aKustomizeEditIsProvenAndAFailedProofPutsTheFileBack() throws Exception {
    Path file = overlay.resolve("kustomization.yaml");
    String before = Files.readString(file);
    ImageRef image = ImageRef.parse("registry.example.com/shop/web:1.1");
    String after = ImageTarget.kustomize("web").write("kustomization.yaml", before, image);
    RenderProof.proveKustomize(renderer, overlay, file, before, after, Set.of(image), "overlay", warnings::add);
    assertThat(Files.readString(file)).isEqualTo(after);

    Files.writeString(file, before);
    String wrong = before.replace("newTag: \"1.0\"", "newTag: \"1.2\"");
    assertThatThrownBy(() -> RenderProof.proveKustomize(renderer, overlay, file, before, wrong, Set.of(image), "overlay",
        warnings::add))
        .isInstanceOf(RefusedException.class)
        .hasMessageContaining("renders 'registry.example.com/shop/web:1.2', which is not the promoted"
            + " registry.example.com/shop/web:1.1");
    assertThat(Files.readString(file)).isEqualTo(before);
  }

  @Test
  void aRenderWithoutThePromotedRepositoryCannotProveAndSaysSo() {
    String manifests = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: a, image: other:1}\n";
    assertThat(new RenderProof().check(manifests, manifests, Set.of(ImageRef.parse("web:2")), "x")).isFalse();
  }
}
