package dev.ferry.core.edit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.InputException;
import dev.ferry.core.image.ImageRef;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The values layouts of real charts: each key Ferry sets is one the chart reads, and nothing is added. */
class HelmImageLayoutsTest {

  static final String DIGEST = "sha256:" + "ab".repeat(32);

  static String write(String key, String values, String image) {
    return ImageTarget.helm(key).write("values.yaml", values, ImageRef.parse(image));
  }

  @Test
  void aStringRepositoryBesideATagTakesTheNameAndTheTagGoesBeside() {
    String values = "exporter:\n  enabled: false\n  image: ghcr.io/acme/exporter\n  tag: v1.0.0\n  path: /metrics\n";
    String want = "exporter:\n  enabled: false\n  image: ghcr.io/acme/exporter\n  tag: v1.1.0\n  path: /metrics\n";
    assertThat(write("exporter.image", values, "ghcr.io/acme/exporter:v1.1.0")).isEqualTo(want);
    assertThat(write("exporter", values, "ghcr.io/acme/exporter:v1.1.0")).isEqualTo(want);
    assertThat(ImageTarget.helm("exporter").read("values.yaml", values))
        .contains(ImageRef.parse("ghcr.io/acme/exporter:v1.0.0"));
  }

  @Test
  void aTagSharedBySeveralImageStringsIsRefusedNamingThem() {
    String values = "images:\n  tag: \"\"\n  operator: ghcr.io/acme/operator\n  scaler: ghcr.io/acme/scaler\n";
    assertThatThrownBy(() -> write("images.operator", values, "ghcr.io/acme/operator:0.2.0"))
        .isInstanceOfSatisfying(InputException.class, e -> {
          assertThat(e.getMessage()).isEqualTo("'images.tag' is shared by operator, scaler: setting it for one image"
              + " would change them all");
          assertThat(e.suggestion()).hasValueSatisfying(s -> assertThat(s).contains("ferry edit yaml FILE images.tag TAG"));
        });
    assertThatThrownBy(() -> write("images", values, "ghcr.io/acme/operator:0.2.0"))
        .isInstanceOf(InputException.class).hasMessageContaining("is shared by operator, scaler");
  }

  @Test
  void hubImageAndTagSplitTheNameAtItsLastComponent() {
    String values = "pilot:\n  hub: \"\"\n  tag: \"\"\n  image: pilot\n";
    assertThat(write("pilot", values, "docker.io/istio/pilot:1.27.1"))
        .isEqualTo("pilot:\n  hub: \"docker.io/istio\"\n  tag: \"1.27.1\"\n  image: pilot\n");
    // an image holding a '/' is used whole by the chart: the reference goes there, hub and tag stay
    assertThat(write("pilot.image", values, "docker.io/istio/pilot:1.27.1"))
        .isEqualTo("pilot:\n  hub: \"\"\n  tag: \"\"\n  image: docker.io/istio/pilot:1.27.1\n");
  }

  @Test
  void aPathWithoutRegistryFollowsTheGlobalRegistryOrGetsItsOwn() {
    String values = "global:\n  image:\n    registry: registry.k8s.io\ncontroller:\n  image:\n"
        + "    image: ingress-nginx/controller\n    tag: v1.0\n    digest: " + DIGEST + "\n";
    assertThat(write("controller.image", values, "registry.k8s.io/ingress-nginx/controller:v1.1"))
        .isEqualTo(values.replace("tag: v1.0", "tag: v1.1").replace("digest: " + DIGEST, "digest: \"\""));
    assertThat(write("controller.image", values, "mirror.example.com/ingress-nginx/controller:v1.1"))
        .isEqualTo(values.replace("tag: v1.0", "tag: v1.1").replace("digest: " + DIGEST, "digest: \"\"")
            + "    registry: mirror.example.com\n");
  }

  @Test
  void shaFollowsTheValueAlreadyThereThenTheChartThenBareHex() {
    String hex = DIGEST.substring("sha256:".length());
    String held = "image:\n  registry: quay.io\n  repository: acme/web\n  tag: v1\n  sha: \"sha256:" + "cd".repeat(32) + "\"\n";
    assertThat(write("image", held, "quay.io/acme/web:v2@" + DIGEST))
        .isEqualTo("image:\n  registry: quay.io\n  repository: acme/web\n  tag: v2\n  sha: \"" + DIGEST + "\"\n");
    String empty = "image:\n  registry: quay.io\n  repository: acme/web\n  tag: v1\n  sha: \"\"\n";
    assertThat(write("image", empty, "quay.io/acme/web:v2@" + DIGEST))
        .isEqualTo("image:\n  registry: quay.io\n  repository: acme/web\n  tag: v2\n  sha: \"" + hex + "\"\n");
    assertThat(new HelmImage(YamlPath.parse("image"), HelmImage.ShaForm.PREFIXED)
        .write("values.yaml", empty, ImageRef.parse("quay.io/acme/web:v2@" + DIGEST)))
        .isEqualTo("image:\n  registry: quay.io\n  repository: acme/web\n  tag: v2\n  sha: \"" + DIGEST + "\"\n");
    // an image without a digest empties a stale one: the chart would prefer it over the tag
    assertThat(write("image", held, "quay.io/acme/web:v3"))
        .isEqualTo("image:\n  registry: quay.io\n  repository: acme/web\n  tag: v3\n  sha: \"\"\n");
  }

  @Test
  void aTagOnlyOverrideSetsTheTagAndAddsNoRepository() {
    String values = "grafana:\n  image:\n    tag: 10.3.3\n";
    assertThat(write("grafana.image", values, "docker.io/grafana/grafana:11.0"))
        .isEqualTo("grafana:\n  image:\n    tag: \"11.0\"\n");
  }

  @Test
  void aMapWithoutImageKeysIsRefusedListingItsKeysAndTheKeyChoices() {
    String values = "redis:\n  enabled: true\n  image:\n    repository: redis\n    tag: \"7\"\n"
        + "  exporter:\n    image: ghcr.io/acme/exporter\n    tag: v1\n";
    assertThatThrownBy(() -> write("redis", values, "redis:8"))
        .isInstanceOfSatisfying(InputException.class, e -> {
          assertThat(e.getMessage()).isEqualTo("'redis' holds none of the keys Ferry sets (registry, repository, image,"
              + " hub, tag); it has: enabled, image, exporter");
          assertThat(e.suggestion()).hasValue("name the key that holds the image with --key, e.g. redis.image,"
              + " redis.exporter");
        });
  }

  @Test
  void keysHoldingFindsEveryKeyOfARepositoryForAllOf() {
    String values = "web:\n  image:\n    repository: registry.example.com/shop/web\n    tag: \"1.0\"\n"
        + "migrate:\n  image:\n    registry: registry.example.com\n    repository: shop/web\n    tag: \"1.0\"\n"
        + "proxy:\n  image: registry.example.com/shop/proxy:2.0\n";
    List<YamlPath> keys = HelmImage.keysHolding("values.yaml", values, ImageRef.parse("registry.example.com/shop/web"));
    assertThat(keys).extracting(YamlPath::toString).containsExactly("web.image", "migrate.image");
  }

  @Test
  void removingTheLastLineWithoutALineBreakLeavesNoBlankLine() {
    String text = "images:\n- name: docker\n  newName: my-docker2\n  digest: " + DIGEST;
    assertThat(ImageTarget.kustomize("docker").write("kustomization.yaml", text, ImageRef.parse("my-docker2:1.0")))
        .isEqualTo("images:\n- name: docker\n  newName: my-docker2\n  newTag: \"1.0\"");
  }
}
