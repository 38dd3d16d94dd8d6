package dev.ferry.core.edit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.InputException;
import dev.ferry.core.image.ImageRef;
import org.junit.jupiter.api.Test;

/** Every key holding one repository, set in one edit. */
class HelmImagesTest {

  static final String VALUES = """
      image:
        repository: registry.example.com/shop/web   # the web container
        tag: "1.0.0"
      migrations:
        image: registry.example.com/shop/web:1.0.0
      redis:
        image: {repository: docker.io/library/redis, tag: "7.2"}
      """;

  @Test
  void setsEveryKeyHoldingTheRepositoryAndNoOther() {
    ImageTarget target = ImageTarget.helmAllOf(ImageRef.parse("registry.example.com/shop/web"));
    String after = target.write("values.yaml", VALUES, ImageRef.parse("registry.example.com/shop/web:1.1.0"));
    assertThat(after).isEqualTo(VALUES.replace("tag: \"1.0.0\"", "tag: \"1.1.0\"").replace("web:1.0.0", "web:1.1.0"));
    assertThat(target.read("values.yaml", after)).contains(ImageRef.parse("registry.example.com/shop/web:1.1.0"));
    // already in place: the same instance, so a promotion is a no-op
    assertThat(target.write("values.yaml", after, ImageRef.parse("registry.example.com/shop/web:1.1.0"))).isSameAs(after);
  }

  @Test
  void aFileWithoutTheRepositoryIsRefusedNamingIt() {
    ImageTarget target = ImageTarget.helmAllOf(ImageRef.parse("registry.example.com/shop/api"));
    assertThatThrownBy(() -> target.write("envs/dev/values.yaml", VALUES, ImageRef.parse("registry.example.com/shop/api:2")))
        .isInstanceOf(InputException.class)
        .hasMessage("no key of envs/dev/values.yaml holds an image of registry.example.com/shop/api");
    assertThat(target.read("values.yaml", VALUES)).isEmpty();
  }
}
