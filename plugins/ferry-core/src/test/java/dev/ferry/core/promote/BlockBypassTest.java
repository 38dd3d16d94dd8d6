package dev.ferry.core.promote;

import static dev.ferry.core.promote.EnvFixture.WEB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.FerryListener;
import dev.ferry.core.RefusedException;
import dev.ferry.core.config.ConfigLoader;
import dev.ferry.core.config.FerryConfig;
import dev.ferry.core.image.ImageRef;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A block holds whether the promotion, the block, or neither carries the digest. */
class BlockBypassTest {

  static final String C = "sha256:" + "c".repeat(64);
  static final String D = "sha256:" + "d".repeat(64);

  @TempDir Path dir;
  Path bare;

  @BeforeEach
  void seed() throws Exception {
    bare = EnvFixture.bareRepo(dir, EnvFixture.files());
  }

  Promoter promoter(ImageResolver resolver) {
    FerryConfig config = ConfigLoader.parse("ferry.yaml", EnvFixture.config(bare, null), dir);
    return new Promoter(config, PromoterContext.defaults(resolver, FerryListener.NONE).withCacheRoot(dir.resolve("cache")));
  }

  /** What a registry answers for every tag: the one digest it holds for it. */
  static ImageResolver registryPinning(String digest) {
    return image -> image.digest() != null ? image : image.withDigest(digest);
  }

  @Test
  void aBlockWithADigestRefusesTheSameTagWithoutOne() {
    try (Promoter p = promoter(ImageResolver.AS_GIVEN)) {
      p.promote(PromotionRequest.to("dev").image("web", ImageRef.parse(WEB + ":1.0.1")));
      p.promote(PromotionRequest.to("dev").image("web", ImageRef.parse(WEB + ":2.0@" + C)));
      p.rollback("dev", "web", "error rate 30%", "ci");

      assertThatThrownBy(() -> p.promote(PromotionRequest.to("dev").resolveDigests(false)
          .image("web", ImageRef.parse(WEB + ":2.0"))))
          .isInstanceOf(RefusedException.class).hasMessageContaining("is blocked in 'dev'");
      assertThatThrownBy(() -> p.promote(PromotionRequest.to("dev").image("web", ImageRef.parse(WEB + ":other@" + C))))
          .isInstanceOf(RefusedException.class).hasMessageContaining("is blocked in 'dev'");
      // a new build under the same tag is another version
      assertThat(p.promote(PromotionRequest.to("dev").image("web", ImageRef.parse(WEB + ":2.0@" + D))).noop()).isFalse();
    }
  }

  @Test
  void aBlockWithoutADigestRefusesTheTagOnceTheRegistryPinsIt() {
    try (Promoter unresolved = promoter(ImageResolver.AS_GIVEN)) {
      unresolved.promote(PromotionRequest.to("dev").resolveDigests(false).image("web", ImageRef.parse(WEB + ":3.0")));
      unresolved.promote(PromotionRequest.to("dev").resolveDigests(false).image("web", ImageRef.parse(WEB + ":4.0")));
      assertThat(unresolved.rollback("dev", "web", "crash loop", "ci").blocked()).isEqualTo(WEB + ":4.0");
    }
    try (Promoter resolving = promoter(registryPinning(C))) {
      assertThatThrownBy(() -> resolving.promote(PromotionRequest.to("dev").image("web", ImageRef.parse(WEB + ":4.0"))))
          .isInstanceOf(RefusedException.class).hasMessageContaining("web " + WEB + ":4.0 is blocked in 'dev'");
    }
  }
}
