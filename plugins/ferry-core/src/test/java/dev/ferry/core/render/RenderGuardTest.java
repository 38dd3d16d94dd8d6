package dev.ferry.core.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.RefusedException;
import dev.ferry.core.image.ImageRef;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The comparison alone, on rendered text written out by hand. */
class RenderGuardTest {

  final RenderGuard guard = new RenderGuard();

  static String deployment(String name, String image, String extra) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: %s
        spec:
          template:
            spec:
              containers:
                - name: %s
                  image: %s
        %s""".formatted(name, name, image, extra);
  }

  static final Set<ImageRef> WEB_2 = Set.of(ImageRef.parse("registry.example.com/shop/web:2"));

  @Test
  void documentOrderDoesNotMatter() {
    String a = deployment("web", "registry.example.com/shop/web:1", "") + "---\n" + deployment("db", "db:1", "");
    String b = deployment("db", "db:1", "") + "---\n" + deployment("web", "registry.example.com/shop/web:2", "");
    RenderDiff diff = guard.check(a, b, WEB_2);
    assertThat(diff.changedImages())
        .containsExactly("Deployment/web container web: registry.example.com/shop/web:1 -> registry.example.com/shop/web:2");
  }

  @Test
  void addedAndRemovedManifestsAreOtherChanges() {
    String a = deployment("web", "registry.example.com/shop/web:1", "") + "---\n" + deployment("old", "x:1", "");
    String b = deployment("web", "registry.example.com/shop/web:1", "") + "---\n" + deployment("new", "x:1", "");
    assertThat(guard.compare(a, b, WEB_2).otherChanges())
        .containsExactly("Deployment/old: removed", "Deployment/new: added");
  }

  @Test
  void imageFieldsOutsideContainersAreOtherChanges() {
    String a = deployment("web", "registry.example.com/shop/web:1", "  image: registry.example.com/shop/web:1\n");
    String b = deployment("web", "registry.example.com/shop/web:1", "  image: registry.example.com/shop/web:2\n");
    assertThat(guard.compare(a, b, WEB_2).otherChanges()).containsExactly(
        "Deployment/web: spec.image: registry.example.com/shop/web:1 -> registry.example.com/shop/web:2");
  }

  @Test
  void imageMayOnlyChangeToThePromotedTag() {
    String a = deployment("web", "registry.example.com/shop/web:1", "");
    String b = deployment("web", "registry.example.com/shop/web:3", "");
    assertThat(guard.compare(a, b, WEB_2).otherChanges()).containsExactly("Deployment/web:"
        + " spec.template.spec.containers[0].image: registry.example.com/shop/web:1"
        + " -> registry.example.com/shop/web:3 (not a promoted image)");
  }

  @Test
  void dockerHubNamesMatchHoweverWritten() {
    String a = deployment("web", "nginx:1.25", "");
    String b = deployment("web", "docker.io/library/nginx:1.26", "");
    assertThat(guard.check(a, b, Set.of(ImageRef.parse("nginx:1.26"))).changedImages()).hasSize(1);
  }

  @Test
  void keysWithDotsAreShownQuoted() {
    String c = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels: {app.kubernetes.io/version: \"1\"}\n";
    String d = c.replace("\"1\"", "\"2\"");
    assertThat(guard.compare(c, d, WEB_2).otherChanges())
        .containsExactly("ConfigMap/c: metadata.labels[\"app.kubernetes.io/version\"]: 1 -> 2");
  }

  @Test
  void refusalNamesTheFirstFiveAndCountsTheRest() {
    StringBuilder a = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n");
    StringBuilder b = new StringBuilder(a);
    for (int i = 1; i <= 7; i++) {
      a.append("  k").append(i).append(": a\n");
      b.append("  k").append(i).append(": b\n");
    }
    assertThatThrownBy(() -> guard.check(a.toString(), b.toString(), WEB_2))
        .isInstanceOf(RefusedException.class)
        .hasMessage("the rendered manifests change more than the promoted images: ConfigMap/c: data.k1: a -> b;"
            + " ConfigMap/c: data.k2: a -> b; ConfigMap/c: data.k3: a -> b; ConfigMap/c: data.k4: a -> b;"
            + " ConfigMap/c: data.k5: a -> b (and 2 more)");
  }

  @Test
  void rendersLargerThanTheParsersDefaultLimitAreCompared() {
    String padding = "# " + "x".repeat(1000) + "\n";
    String big = padding.repeat(4000) + deployment("web", "registry.example.com/shop/web:1", "");
    assertThat(big.length()).isGreaterThan(3 * 1024 * 1024);
    assertThat(guard.check(big, big.replace("web:1", "web:2"), WEB_2).changedImages()).hasSize(1);
  }

  @Test
  void invalidRenderedYamlIsRefused() {
    assertThatThrownBy(() -> guard.compare("a: [", "a: 1", WEB_2))
        .isInstanceOf(RefusedException.class).hasMessageStartingWith("rendered manifests (before) are not valid YAML");
  }
}
