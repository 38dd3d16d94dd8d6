package dev.ferry.core.promote;

import static dev.ferry.core.promote.EnvFixture.WEB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.FerryListener;
import dev.ferry.core.RefusedException;
import dev.ferry.core.config.ConfigLoader;
import dev.ferry.core.image.ImageRef;
import dev.ferry.testing.GitDaemon.Git;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An approval records how it was given, and an environment may accept only some sources. */
class ApprovalSourceTest {

  @TempDir Path dir;

  Promoter promoter(Path bare, String approval) {
    String yaml = """
        apiVersion: ferry/v1
        repos:
          env: {url: "%s", branch: main}
        services:
          web: {image: %s}
        environments:
          prod:
            repo: env
            %s
            approvers: [alice]
            targets: {"*": {helm: "envs/{env}/{service}/values.yaml"}}
        """.formatted(bare, WEB, approval);
    return new Promoter(ConfigLoader.parse("ferry.yaml", yaml, dir),
        PromoterContext.defaults(ImageResolver.AS_GIVEN, FerryListener.NONE).withCacheRoot(dir.resolve("cache")));
  }

  @Test
  void aNameTypedOnTheCommandLineIsNotAJenkinsButton() throws Exception {
    Path bare = EnvFixture.bareRepo(dir, EnvFixture.files());
    try (Promoter p = promoter(bare, "approval: {required: true, via: [jenkins-input]}")) {
      assertThatThrownBy(() -> p.promote(PromotionRequest.to("prod").approvedBy("alice")
          .image("web", ImageRef.parse(WEB + ":2.0"))))
          .isInstanceOf(RefusedException.class)
          .hasMessageContaining("'prod' takes approvals given via jenkins-input, not via cli");

      PromotionResult r = p.promote(PromotionRequest.to("prod").approvedBy("alice").approvalSource("jenkins-input")
          .image("web", ImageRef.parse(WEB + ":2.0")));
      assertThat(Git.run(bare, "log", "-1", "--format=%B", r.commit()))
          .contains("Ferry-Approved-By: alice", "Ferry-Approval-Source: jenkins-input");
    }
  }

  @Test
  void anApprovalWithoutASourceIsRecordedAsCli() throws Exception {
    Path bare = EnvFixture.bareRepo(dir, EnvFixture.files());
    try (Promoter p = promoter(bare, "approval: required")) {
      PromotionResult r = p.promote(PromotionRequest.to("prod").approvedBy("alice").image("web", ImageRef.parse(WEB + ":2.0")));
      assertThat(Git.run(bare, "log", "-1", "--format=%B", r.commit())).contains("Ferry-Approval-Source: cli");
    }
  }
}
