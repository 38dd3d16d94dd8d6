package dev.ferry.core.promote;

import static dev.ferry.core.promote.EnvFixture.WEB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.HostileHttpServer;
import dev.ferry.core.InputException;
import dev.ferry.core.image.ImageRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code render: true} on repository content shaped by an attacker, with the real
 * {@code kubectl kustomize}: a remote resource must not make Ferry fetch it, and a base that climbs
 * out of the exported tree must not bring files from the agent's disk into the diff.
 */
class RenderOfHostileRepositoryContentTest {

  static final String DEPLOYMENT = """
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        template:
          spec:
            containers:
              - {name: web, image: %s:1.0.0}
      """.formatted(WEB);

  @TempDir Path dir;

  Promoter promoter(String kustomization) throws Exception {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("envs/dev/web/kustomization.yaml", kustomization);
    files.put("envs/dev/web/deployment.yaml", DEPLOYMENT);
    Path bare = EnvFixture.bareRepo(dir, files);
    return EnvFixture.webInDev(dir, bare, "{kustomize: \"envs/{env}/{service}\"}", "render: true");
  }

  static PromotionRequest request() {
    return PromotionRequest.to("dev").image("web", ImageRef.parse(WEB + ":1.1.0"));
  }

  @Test
  void aRemoteResourceIsRefusedBeforeKustomizeFetchesIt() throws Exception {
    try (HostileHttpServer metadata = new HostileHttpServer().answer("/", 200, "{}")) {
      String kustomization = "resources:\n  - deployment.yaml\n  - " + metadata.url("/latest/meta-data/secret.yaml")
          + "\nimages:\n  - name: " + WEB + "\n    newTag: 1.0.0\n";
      try (Promoter p = promoter(kustomization)) {
        assertThatThrownBy(() -> p.plan(request()))
            .isInstanceOf(InputException.class)
            .hasMessageStartingWith("resources '" + metadata.url("/latest/meta-data/secret.yaml") + "' is remote")
            .satisfies(e -> assertThat(((InputException) e).location().orElseThrow())
                .hasToString("envs/dev/web/kustomization.yaml:3:5"));
      }
      assertThat(metadata.paths).isEmpty();
    }
  }

  @Test
  void aBaseOutsideTheExportedTreeIsRefused() throws Exception {
    Path outside = Files.createDirectories(dir.resolve("agent-disk"));
    Files.writeString(outside.resolve("kustomization.yaml"), "resources:\n  - secret.yaml\n");
    Files.writeString(outside.resolve("secret.yaml"),
        "apiVersion: v1\nkind: Secret\nmetadata: {name: agent}\nstringData: {token: from-the-agent}\n");
    String climb = "../".repeat(40) + outside.toString().substring(1);
    String kustomization = "resources:\n  - deployment.yaml\n  - " + climb + "\nimages:\n  - name: " + WEB
        + "\n    newTag: 1.0.0\n";
    try (Promoter p = promoter(kustomization)) {
      assertThatThrownBy(() -> p.plan(request()))
          .isInstanceOf(InputException.class)
          .hasMessageStartingWith("resources '" + climb + "' leaves the environment repository")
          .hasMessageNotContaining("from-the-agent")
          .satisfies(e -> assertThat(((InputException) e).location().orElseThrow())
              .hasToString("envs/dev/web/kustomization.yaml:3:5"));
    }
  }

  @Test
  void localBasesInsideTheRepositoryStillRender() throws Exception {
    String kustomization = "resources:\n  - deployment.yaml\nimages:\n  - name: " + WEB + "\n    newTag: 1.0.0\n";
    try (Promoter p = promoter(kustomization)) {
      Plan plan = p.plan(request());
      assertThat(plan.render().onlyImages()).isTrue();
      assertThat(plan.render().changedImages()).singleElement().asString().contains("1.1.0");
    }
  }
}
