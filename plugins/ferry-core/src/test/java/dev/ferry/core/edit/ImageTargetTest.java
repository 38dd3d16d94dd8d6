package dev.ferry.core.edit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.InputException;
import dev.ferry.core.image.ImageRef;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each kind of image target: what it writes for each form of file, and what it reads back. */
class ImageTargetTest {

  static final String DIGEST = "sha256:" + "a".repeat(64);
  static final String OLD_DIGEST = "sha256:" + "b".repeat(64);

  static Stream<Arguments> writes() {
    return Stream.of(
        Arguments.of("helm: repository and tag",
            ImageTarget.helm("image"), "registry.example.com/shop/web:1.4.2",
            "image:\n  repository: registry.example.com/shop/web\n  tag: \"1.4.1\"  # CI\n  pullPolicy: Always\n",
            "image:\n  repository: registry.example.com/shop/web\n  tag: \"1.4.2\"  # CI\n  pullPolicy: Always\n"),
        Arguments.of("helm: Bitnami registry split from repository",
            ImageTarget.helm("image"), "registry.example.com/shop/web:1.4.2",
            "image:\n  registry: docker.io\n  repository: bitnami/web\n  tag: 1.4.1\n",
            "image:\n  registry: registry.example.com\n  repository: shop/web\n  tag: 1.4.2\n"),
        Arguments.of("helm: digest key gets the digest, tag the tag",
            ImageTarget.helm("image"), "shop/web:1.4.2@" + DIGEST,
            "image:\n  repository: shop/web\n  tag: 1.4.1\n  digest: \"\"\n",
            "image:\n  repository: shop/web\n  tag: 1.4.2\n  digest: \"" + DIGEST + "\"\n"),
        Arguments.of("helm: a stale digest is emptied",
            ImageTarget.helm("image"), "shop/web:1.4.2",
            "image:\n  repository: shop/web\n  tag: 1.4.1\n  digest: " + OLD_DIGEST + "\n",
            "image:\n  repository: shop/web\n  tag: 1.4.2\n  digest: \"\"\n"),
        Arguments.of("helm: no digest key, the tag holds tag@digest",
            ImageTarget.helm("image"), "shop/web:1.4.2@" + DIGEST,
            "image:\n  repository: shop/web\n  tag: 1.4.1\n",
            "image:\n  repository: shop/web\n  tag: 1.4.2@" + DIGEST + "\n"),
        Arguments.of("helm: missing tag is added",
            ImageTarget.helm("web.image"), "shop/web:2.0",
            "web:\n    image:\n        repository: shop/web\n    replicas: 2\n",
            "web:\n    image:\n        repository: shop/web\n        tag: \"2.0\"\n    replicas: 2\n"),
        Arguments.of("helm: single string",
            ImageTarget.helm("image"), "shop/web:1.10@" + DIGEST,
            "image: shop/web:1.9 # pinned\n",
            "image: shop/web:1.10@" + DIGEST + " # pinned\n"),
        Arguments.of("kustomize: existing entry, newTag quoted when it would read as a number",
            ImageTarget.kustomize("web"), "registry.example.com/shop/web:1.10",
            "resources:\n- deploy.yaml\nimages:\n- name: web\n  newName: registry.example.com/shop/web\n  newTag: v1\n",
            "resources:\n- deploy.yaml\nimages:\n- name: web\n  newName: registry.example.com/shop/web\n  newTag: \"1.10\"\n"),
        Arguments.of("kustomize: digest added, newName added",
            ImageTarget.kustomize("web"), "registry.example.com/shop/web:1.4.2@" + DIGEST,
            "images:\n  - name: web\n    newTag: 1.4.1\n  - name: api\n    newTag: 3.0.0\n",
            "images:\n  - name: web\n    newTag: 1.4.2\n    newName: registry.example.com/shop/web\n    digest: " + DIGEST
                + "\n  - name: api\n    newTag: 3.0.0\n"),
        Arguments.of("kustomize: a tag-only image removes the stale digest",
            ImageTarget.kustomize("web"), "web:1.4.2",
            "images:\n- digest: " + OLD_DIGEST + "\n  name: web\n- name: api\n  digest: " + OLD_DIGEST + "\n",
            "images:\n- name: web\n  newTag: 1.4.2\n- name: api\n  digest: " + OLD_DIGEST + "\n"),
        Arguments.of("kustomize: a digest-only image removes newTag",
            ImageTarget.kustomize("web"), "web@" + DIGEST,
            "images:\n- name: web\n  newTag: 1.4.1 # old\n  digest: " + OLD_DIGEST + "\n",
            "images:\n- name: web\n  digest: " + DIGEST + "\n"),
        Arguments.of("kustomize: missing entry appended with the list's indentation",
            ImageTarget.kustomize("web"), "registry.example.com/shop/web:1.4.2",
            "images:\n  - name: api\n    newTag: 3.0.0\nnamespace: shop\n",
            "images:\n  - name: api\n    newTag: 3.0.0\n  - name: web\n    newName: registry.example.com/shop/web\n"
                + "    newTag: 1.4.2\nnamespace: shop\n"),
        Arguments.of("kustomize: missing images key appended at the end, indented like resources",
            ImageTarget.kustomize("web"), "registry.example.com/shop/web:1.4.2",
            "resources:\n  - deploy.yaml\n# trailing comment\n",
            "resources:\n  - deploy.yaml\n# trailing comment\nimages:\n  - name: web\n    newName: registry.example.com/shop/web\n"
                + "    newTag: 1.4.2\n"),
        Arguments.of("kustomize: missing images key, file without final newline, CRLF",
            ImageTarget.kustomize("web"), "web:1.4.2",
            "resources:\r\n- deploy.yaml",
            "resources:\r\n- deploy.yaml\r\nimages:\r\n- name: web\r\n  newTag: 1.4.2"),
        Arguments.of("marker: every marked scalar",
            ImageTarget.marker("web"), "registry.example.com/shop/web:1.4.2",
            "containers:\n- image: 'registry.example.com/shop/web:1.4.1' # ferry:image web\n- image: envoy:1 # ferry:image proxy\n"
                + "---\ninit:\n  image: registry.example.com/shop/web:1.4.1   #ferry:image web  (init)\n",
            "containers:\n- image: 'registry.example.com/shop/web:1.4.2' # ferry:image web\n- image: envoy:1 # ferry:image proxy\n"
                + "---\ninit:\n  image: registry.example.com/shop/web:1.4.2   #ferry:image web  (init)\n"),
        Arguments.of("path: full reference at a YAML path",
            ImageTarget.yamlPath("spec.containers[0].image"), "web:2@" + DIGEST,
            "spec:\n  containers:\n  - {name: web, image: \"web:1\"}\n",
            "spec:\n  containers:\n  - {name: web, image: \"web:2@" + DIGEST + "\"}\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("writes")
  void writesTheImageAndReadsItBack(String name, ImageTarget target, String image, String before, String after) {
    ImageRef ref = ImageRef.parse(image);
    String written = target.write("f.yaml", before, ref);
    assertThat(written).isEqualTo(after);
    assertThat(target.read("f.yaml", written)).hasValueSatisfying(r -> {
      assertThat(r.sameRepository(ref)).isTrue();
      assertThat(r.digest()).isEqualTo(ref.digest());
      if (ref.tag() != null) {
        assertThat(r.tag()).isEqualTo(ref.tag());
      }
    });
    assertThat(target.write("f.yaml", written, ref)).isSameAs(written);
  }

  @Test
  void helmRefusesADigestOnlyImageWhenTheFileHasNoDigestKey() {
    assertThatThrownBy(() -> ImageTarget.helm("image").write("values.yaml", "image:\n  repository: web\n  tag: 1\n",
        ImageRef.parse("web@" + DIGEST)))
        .isInstanceOf(InputException.class).hasMessageContaining("no 'digest' or 'sha' key")
        .hasMessageContaining("has no tag");
  }

  @Test
  void helmRefusesAMissingKeyWithItsLocation() {
    assertThatThrownBy(() -> ImageTarget.helm("web.image").write("values.yaml", "web:\n  replicas: 1\n",
        ImageRef.parse("web:1")))
        .isInstanceOfSatisfying(InputException.class, e -> {
          assertThat(e.describe()).startsWith("values.yaml:2:3: path 'web.image' not found");
          assertThat(e.suggestion()).hasValueSatisfying(s -> assertThat(s).contains("--key"));
        });
  }

  @Test
  void markerRefusesAFileWithoutTheMarker() {
    assertThatThrownBy(() -> ImageTarget.marker("web").write("d.yaml", "image: web:1 # ferry:image api\n",
        ImageRef.parse("web:2")))
        .isInstanceOf(InputException.class).hasMessageContaining("# ferry:image web");
  }

  @Test
  void markerOnAnAliasIsRefused() {
    assertThatThrownBy(() -> ImageTarget.marker("web").write("d.yaml",
        "x: &i web:1\nimage: *i # ferry:image web\n", ImageRef.parse("web:2")))
        .isInstanceOf(InputException.class).hasMessageContaining("alias");
  }

  @Test
  void pathTargetRefusesAPathNoDocumentHasRatherThanAddingIt() {
    assertThatThrownBy(() -> ImageTarget.yamlPath("spec.image").write("d.yaml", "spec:\n  name: web\n---\nspec: {}\n",
        ImageRef.parse("web:2")))
        .isInstanceOf(InputException.class).hasMessageContaining("path 'spec.image' not found");
  }

  @Test
  void pathTargetWritesEveryDocumentThatHasThePath() {
    String before = "kind: A\nimage: web:1\n---\nkind: B\n---\nkind: C\nimage: 'web:1'\n";
    assertThat(ImageTarget.yamlPath("image").write("d.yaml", before, ImageRef.parse("web:2")))
        .isEqualTo("kind: A\nimage: web:2\n---\nkind: B\n---\nkind: C\nimage: 'web:2'\n");
  }

  @Test
  void readIsEmptyWhenTheFileHasNoImageThere() {
    assertThat(ImageTarget.helm("image").read("v", "other: 1\n")).isEmpty();
    assertThat(ImageTarget.kustomize("web").read("k", "resources: [a.yaml]\n")).isEmpty();
    assertThat(ImageTarget.marker("web").read("d", "image: web:1\n")).isEmpty();
  }
}
