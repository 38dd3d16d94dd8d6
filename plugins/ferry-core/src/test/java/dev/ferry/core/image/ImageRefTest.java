package dev.ferry.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.InputException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ImageRefTest {

  static final String DIGEST = "sha256:" + "a".repeat(64);

  @ParameterizedTest
  @CsvSource(nullValues = "-", value = {
      "nginx,                                   -,                     nginx,      -,     docker.io/library/nginx",
      "nginx:1.25,                              -,                     nginx,      1.25,  docker.io/library/nginx",
      "bitnami/nginx:1.25,                      -,                     bitnami/nginx, 1.25, docker.io/bitnami/nginx",
      "registry.example.com/shop/web:1.4.2,     registry.example.com,  shop/web,   1.4.2, registry.example.com/shop/web",
      "localhost:5000/web,                      localhost:5000,        web,        -,     localhost:5000/web",
      "127.0.0.1:5000/a/b/c:v1,                 127.0.0.1:5000,        a/b/c,      v1,    127.0.0.1:5000/a/b/c",
      "localhost/web:latest,                    localhost,             web,        latest, localhost/web",
  })
  void parsesRegistryRepositoryAndTag(String text, String registry, String repository, String tag, String canonical) {
    ImageRef ref = ImageRef.parse(text);
    assertThat(ref.registry()).isEqualTo(registry);
    assertThat(ref.repository()).isEqualTo(repository);
    assertThat(ref.tag()).isEqualTo(tag);
    assertThat(ref.canonicalName()).isEqualTo(canonical);
    assertThat(ref.toString()).isEqualTo(text);
  }

  @Test
  void parsesTagAndDigestTogether() {
    ImageRef ref = ImageRef.parse("registry.example.com:443/shop/web:1.4.2@" + DIGEST);
    assertThat(ref.registry()).isEqualTo("registry.example.com:443");
    assertThat(ref.tag()).isEqualTo("1.4.2");
    assertThat(ref.digest()).isEqualTo(DIGEST);
    assertThat(ImageRef.parse("web@" + DIGEST).tag()).isNull();
  }

  @Test
  void sameRepositoryIgnoresHowDockerHubIsWritten() {
    assertThat(ImageRef.parse("nginx:1").sameRepository(ImageRef.parse("docker.io/library/nginx:2"))).isTrue();
    assertThat(ImageRef.parse("shop/web").sameRepository(ImageRef.parse("shop/api"))).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Web:1", "web:", "web:-bad", "web@sha256:abc", "web:1.0;rm -rf /",
      "web:$(id)", "/web", "web//api", " web", "web@md5", "shop/web:1 "})
  void refusesInvalidReferences(String text) {
    assertThatThrownBy(() -> ImageRef.parse(text)).isInstanceOf(InputException.class)
        .satisfies(e -> assertThat(((InputException) e).exitCode()).isEqualTo(2));
  }

  @Test
  void withDigestKeepsTheTag() {
    assertThat(ImageRef.parse("shop/web:1.0").withDigest(DIGEST).toString()).isEqualTo("shop/web:1.0@" + DIGEST);
  }
}
