package dev.ferry.core.promote;

import static dev.ferry.core.promote.EnvFixture.WEB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.image.ImageRef;
import dev.ferry.testing.GitDaemon.Git;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rollback writes git and then aborts the Rollout named by the environment's rollout gate, and
 * says in its result when it could not: against fabric8's Kubernetes mock server in CRUD mode
 * (Argo Rollouts cannot run here), with a real bare repository.
 */
@EnableKubernetesMockClient(crud = true)
class RollbackAbortsRolloutAgainstMockServerTest {

  static KubernetesClient client;

  static final ResourceDefinitionContext ROLLOUTS = new ResourceDefinitionContext.Builder().withGroup("argoproj.io")
      .withVersion("v1alpha1").withKind("Rollout").withPlural("rollouts").withNamespaced(true).build();

  @TempDir Path dir;

  @BeforeEach
  void empty() {
    client.genericKubernetesResources(ROLLOUTS).inNamespace("shop").delete();
  }

  static final String ROLLOUT = """
      apiVersion: argoproj.io/v1alpha1
      kind: Rollout
      metadata: {name: web, namespace: shop}
      spec:
        template:
          spec:
            containers: [{name: web, image: "%s"}]
      status: {phase: Progressing, stableRS: 5c7d9e8f1, currentPodHash: 6d4f8b7c9}
      """;

  Promoter promoter(Path kubeconfig) throws Exception {
    Path bare = EnvFixture.bareRepo(dir, Map.of("envs/dev/web/values.yaml", EnvFixture.values(WEB, "1.0.0")));
    return EnvFixture.webInDev(dir, bare, EnvFixture.WEB_VALUES,
        "gates:\n  - rollout: {kubeconfig: \"" + kubeconfig + "\", namespace: shop, name: \"{service}\"}");
  }

  Path kubeconfig(String server) throws Exception {
    return Files.writeString(dir.resolve("kubeconfig"), """
        apiVersion: v1
        kind: Config
        clusters:
        - name: mock
          cluster: {server: "%s", insecure-skip-tls-verify: true}
        users:
        - name: ci
          user: {token: not-a-real-token}
        contexts:
        - name: dev
          context: {cluster: mock, user: ci}
        current-context: dev
        """.formatted(server));
  }

  @Test
  void rollbackAbortsTheRolloutAfterTheRevert() throws Exception {
    client.genericKubernetesResources(ROLLOUTS).inNamespace("shop")
        .resource(Serialization.unmarshal(ROLLOUT.formatted(WEB + ":1.1.0"), GenericKubernetesResource.class)).create();
    RollbackResult r;
    try (Promoter p = promoter(kubeconfig(client.getMasterUrl().toString()))) {
      p.promote(PromotionRequest.to("dev").image("web", ImageRef.parse(WEB + ":1.1.0")));
      r = p.rollback("dev", "web", "error rate 27%", "alice");
    }
    assertThat(r.restored()).isEqualTo(WEB + ":1.0.0");
    assertThat(r.rolloutsAborted()).containsExactly("shop/web");
    assertThat(r.rolloutAbortFailures()).isEmpty();
    GenericKubernetesResource after = client.genericKubernetesResources(ROLLOUTS).inNamespace("shop")
        .withName("web").get();
    @SuppressWarnings("unchecked")
    Map<String, Object> status = (Map<String, Object>) after.getAdditionalProperties().get("status");
    assertThat(status).containsEntry("abort", true);
  }

  @Test
  void aRolloutThatCannotBeAbortedIsReportedAndTheRevertStands() throws Exception {
    RollbackResult r;
    try (Promoter p = promoter(kubeconfig(client.getMasterUrl().toString()))) {
      p.promote(PromotionRequest.to("dev").image("web", ImageRef.parse(WEB + ":1.1.0")));
      r = p.rollback("dev", "web", "error rate 27%", "alice");
    }
    // no Rollout web in the cluster: the revert is written, the failed abort is in the result
    assertThat(Git.run(dir.resolve("env.git"), "log", "-1", "--format=%s", "main"))
        .startsWith("Roll back web in dev to");
    assertThat(r.rolloutsAborted()).isEmpty();
    assertThat(r.rolloutAbortFailures()).singleElement().asString().contains("shop/web");
  }
}
