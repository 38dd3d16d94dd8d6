package dev.ferry.core.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.ExternalException;
import dev.ferry.core.InputException;
import dev.ferry.core.RefusedException;
import dev.ferry.core.image.ImageRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Renders real charts with helm-java and real overlays with {@code kubectl kustomize}, before and after an edit. */
class RenderGuardWithHelmAndKustomizeTest {

  static final ImageRef WEB_1_1 = ImageRef.parse("registry.example.com/shop/web:1.1");
  static final ImageRef API_1_1 = ImageRef.parse("registry.example.com/shop/api:1.1");

  @TempDir
  Path dir;

  final Renderer renderer = new Renderer();
  final RenderGuard guard = new RenderGuard();
  Path chart;
  Path overlay;

  @BeforeEach
  void copyFixtures() throws Exception {
    Path fixtures = Path.of(getClass().getResource("chart/Chart.yaml").toURI()).getParent().getParent();
    copy(fixtures, dir);
    chart = dir.resolve("chart");
    overlay = dir.resolve("kustomize/overlay");
  }

  String helm(String values) throws IOException {
    Path file = dir.resolve("values-" + System.nanoTime() + ".yaml");
    Files.writeString(file, values);
    return renderer.render(new RenderUnit.Helm(chart, file, "web", "dev"));
  }

  @Test
  void helmImageOnlyChangePasses() throws Exception {
    String before = helm("image: {tag: \"1.0\"}\n");
    String after = helm("image: {tag: \"1.1\"}\n");
    RenderDiff diff = guard.check(before, after, Set.of(WEB_1_1));
    assertThat(diff.changedImages()).containsExactly(
        "Deployment/web (namespace dev) init container migrate: registry.example.com/shop/web:1.0"
            + " -> registry.example.com/shop/web:1.1",
        "Deployment/web (namespace dev) container web: registry.example.com/shop/web:1.0"
            + " -> registry.example.com/shop/web:1.1");
    assertThat(diff.otherChanges()).isEmpty();
    assertThat(diff.unifiedDiff()).contains("-          image: \"registry.example.com/shop/web:1.0\"\n"
        + "+          image: \"registry.example.com/shop/web:1.1\"\n");
  }

  @Test
  void helmValuesEditThatChangesReplicasIsRefused() throws Exception {
    String before = helm("image: {tag: \"1.0\"}\n");
    String after = helm("image: {tag: \"1.1\"}\nreplicaCount: 3\n");
    assertThatThrownBy(() -> guard.check(before, after, Set.of(WEB_1_1)))
        .isInstanceOfSatisfying(RefusedException.class, e -> {
          assertThat(e.getMessage()).isEqualTo("the rendered manifests change more than the promoted images:"
              + " Deployment/web (namespace dev): spec.replicas: 1 -> 3");
          assertThat(e.exitCode()).isEqualTo(1);
        });
  }

  @Test
  void imageOfAServiceThatIsNotPromotedIsRefused() throws Exception {
    String before = helm("image: {tag: \"1.0\"}\n");
    String after = helm("image: {tag: \"1.0\"}\nsidecar: {image: registry.example.com/shop/proxy:2.1}\n");
    RenderDiff diff = guard.compare(before, after, Set.of(WEB_1_1));
    assertThat(diff.onlyImages()).isFalse();
    assertThat(diff.otherChanges()).containsExactly("Deployment/web (namespace dev):"
        + " spec.template.spec.containers[1].image: registry.example.com/shop/proxy:2.0"
        + " -> registry.example.com/shop/proxy:2.1 (not a promoted image)");
  }

  @Test
  void brokenTemplateIsRefusedWithHelmsError() throws Exception {
    Files.writeString(chart.resolve("templates/broken.yaml"), "kind: ConfigMap\nname: {{ .Values.x | nosuchfunc }}\n");
    assertThatThrownBy(() -> helm("image: {tag: \"1.1\"}\n"))
        .isInstanceOfSatisfying(RefusedException.class, e -> assertThat(e.getMessage())
            .startsWith("helm template failed for Helm chart " + chart)
            .contains("function \"nosuchfunc\" not defined"));
  }

  @Test
  void missingChartDirectoryIsBadInput() {
    Path missing = dir.resolve("charts/nothing");
    assertThatThrownBy(() -> renderer.render(new RenderUnit.Helm(missing, null, "web", null)))
        .isInstanceOfSatisfying(InputException.class, e -> {
          assertThat(e.getMessage()).isEqualTo("no Helm chart in " + missing + " (it has no Chart.yaml)");
          assertThat(e.suggestion()).contains("point the target's 'chart:' at the chart directory");
        });
  }

  @Test
  void kustomizeImageOnlyChangePasses() throws Exception {
    String before = renderer.render(new RenderUnit.Kustomize(overlay));
    editOverlay("newTag: \"1.0\"", "newTag: \"1.1\"");
    String after = renderer.render(new RenderUnit.Kustomize(overlay));
    RenderDiff diff = guard.check(before, after, Set.of(API_1_1));
    assertThat(diff.changedImages()).containsExactly("Deployment/api (namespace dev) container api:"
        + " registry.example.com/shop/api:1.0 -> registry.example.com/shop/api:1.1");
  }

  @Test
  void kustomizeDigestRendersAndMatchesThePromotedDigest() throws Exception {
    String digest = "sha256:" + "b".repeat(64);
    String before = renderer.render(new RenderUnit.Kustomize(overlay));
    editOverlay("newTag: \"1.0\"", "newTag: \"1.1\"\n    digest: " + digest);
    String after = renderer.render(new RenderUnit.Kustomize(overlay));
    assertThat(guard.check(before, after, Set.of(API_1_1.withDigest(digest))).changedImages()).hasSize(1);
    assertThat(guard.compare(before, after, Set.of(API_1_1.withDigest("sha256:" + "c".repeat(64)))).onlyImages())
        .isFalse();
  }

  @Test
  void kustomizePatchThatChangesMoreIsRefused() throws Exception {
    String before = renderer.render(new RenderUnit.Kustomize(overlay));
    editOverlay("newTag: \"1.0\"", "newTag: \"1.1\"\nreplicas:\n  - name: api\n    count: 4\n"
        + "commonLabels:\n  team: shop");
    String after = renderer.render(new RenderUnit.Kustomize(overlay));
    RenderDiff diff = guard.compare(before, after, Set.of(API_1_1));
    assertThat(diff.changedImages()).hasSize(1);
    assertThat(diff.otherChanges()).contains(
        "Deployment/api (namespace dev): spec.replicas: 1 -> 4",
        "Deployment/api (namespace dev): metadata.labels added: {team: shop}");
    assertThatThrownBy(() -> guard.check(before, after, Set.of(API_1_1)))
        .isInstanceOf(RefusedException.class).hasMessageContaining("spec.replicas: 1 -> 4");
  }

  @Test
  void brokenOverlayIsRefusedWithKustomizesError() throws Exception {
    editOverlay("- ../base", "- ../missing-base");
    assertThatThrownBy(() -> renderer.render(new RenderUnit.Kustomize(overlay)))
        .isInstanceOfSatisfying(RefusedException.class, e -> assertThat(e.getMessage())
            .startsWith("kubectl kustomize " + overlay + " failed (exit 1): ")
            .contains("missing-base"));
  }

  @Test
  void missingKustomizeDirectoryIsBadInput() {
    assertThatThrownBy(() -> renderer.render(new RenderUnit.Kustomize(dir.resolve("nope"))))
        .isInstanceOf(InputException.class).hasMessage("Kustomize directory " + dir.resolve("nope") + " does not exist");
  }

  @Test
  void missingKustomizeToolIsAnOutsideFailureNamingTheCommand() {
    Renderer absent = new Renderer(List.of("no-such-kustomize-binary", "build"), Duration.ofSeconds(5));
    assertThatThrownBy(() -> absent.render(new RenderUnit.Kustomize(overlay)))
        .isInstanceOf(ExternalException.class)
        .hasMessageStartingWith("could not run no-such-kustomize-binary build " + overlay);
  }

  @Test
  void kustomizeThatHangsIsStoppedAtTheTimeout() {
    Renderer slow = new Renderer(List.of("sh", "-c", "sleep 30", "sh"), Duration.ofSeconds(1));
    assertThatThrownBy(() -> slow.render(new RenderUnit.Kustomize(overlay)))
        .isInstanceOf(RefusedException.class)
        .hasMessage("sh -c sleep 30 sh " + overlay + " did not finish within 1s");
  }

  @Test
  void renderOfAStarterChartFromHelmCreateWorks() {
    com.marcnuri.helm.Helm.create().withName("starter").withDir(dir).call();
    String manifests = renderer.render(new RenderUnit.Helm(dir.resolve("starter"), null, "shop", "dev"));
    assertThat(manifests).contains("kind: Deployment").contains("name: shop-starter");
  }

  private void editOverlay(String from, String to) throws IOException {
    Path file = overlay.resolve("kustomization.yaml");
    String text = Files.readString(file);
    assertThat(text).contains(from);
    Files.writeString(file, text.replace(from, to));
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      files.forEach(source -> {
        try {
          Path target = to.resolve(from.relativize(source).toString());
          if (Files.isDirectory(source)) {
            Files.createDirectories(target);
          } else {
            Files.copy(source, target);
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
