package dev.ferry.core.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Argo CD gate reading the Application resource (argoproj.io/v1alpha1 applications) from
 * fabric8's Kubernetes mock server in CRUD mode, as it would from the cluster Argo CD runs in.
 */
@EnableKubernetesMockClient(crud = true)
class ArgoCdGateAgainstMockServerTest {

  // one server for the class (starting one is slow on a shared machine); each test starts from empty
  static KubernetesMockServer server;
  static KubernetesClient client;

  @org.junit.jupiter.api.BeforeEach
  void empty() {
    client.apps().deployments().inNamespace("shop").delete();
    client.genericKubernetesResources(RolloutGate.ROLLOUTS).inNamespace("shop").delete();
    client.genericKubernetesResources(RolloutGate.ANALYSIS_RUNS).inNamespace("shop").delete();
    client.genericKubernetesResources(ArgoCdGate.APPLICATIONS).inNamespace("argocd").delete();
  }

  static final String COMMIT = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
  static final GateContext CONTEXT = new GateContext("dev", COMMIT, Map.of(), Instant.parse("2026-11-29T12:00:00Z"));

  static String application(String sync, String revision, String health, String phase) {
    return """
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        metadata:
          name: shop-dev
          namespace: argocd
        spec:
          project: default
          source:
            repoURL: https://git.example.com/platform/env.git
            path: envs/dev
            targetRevision: main
          destination:
            server: https://kubernetes.default.svc
            namespace: shop
          syncPolicy:
            automated: {prune: true, selfHeal: true}
        status:
          sync:
            status: %s
            revision: %s
          health:
            status: %s
          operationState:
            phase: %s
            message: "one or more synchronization tasks completed unsuccessfully"
            startedAt: "2026-11-29T12:00:05Z"
            finishedAt: "2026-11-29T12:00:09Z"
            syncResult:
              revision: %s
        """.formatted(sync, revision, health, phase, revision);
  }

  Gate gate() {
    return ArgoCdGate.resource(Cluster.of(client), "argocd", "shop-dev", false);
  }

  @Test
  void syncedToThePromotedCommitAndHealthyPasses() {
    KubeObjects.put(client, ArgoCdGate.APPLICATIONS, application("Synced", COMMIT, "Healthy", "Succeeded"));
    GateResult r = gate().check(CONTEXT);
    assertThat(r.status()).isEqualTo(GateStatus.PASSED);
    assertThat(r.reason()).isEqualTo("shop-dev is Synced to 4b825dc642cb and Healthy");
  }

  @Test
  void progressingIsRunningThenHealthyPasses() {
    Gate gate = gate();
    KubeObjects.put(client, ArgoCdGate.APPLICATIONS, application("Synced", COMMIT, "Progressing", "Succeeded"));
    assertThat(gate.check(CONTEXT).status()).isEqualTo(GateStatus.RUNNING);
    KubeObjects.put(client, ArgoCdGate.APPLICATIONS, application("Synced", COMMIT, "Healthy", "Succeeded"));
    assertThat(gate.check(CONTEXT).status()).isEqualTo(GateStatus.PASSED);
  }

  @Test
  void aFailedSyncFails() {
    KubeObjects.put(client, ArgoCdGate.APPLICATIONS, application("OutOfSync", COMMIT, "Missing", "Failed"));
    GateResult r = gate().check(CONTEXT);
    assertThat(r.status()).isEqualTo(GateStatus.FAILED);
    assertThat(r.reason()).isEqualTo("sync of shop-dev Failed: one or more synchronization tasks completed unsuccessfully");
  }

  @Test
  void aMissingApplicationFails() {
    GateResult r = gate().check(CONTEXT);
    assertThat(r.status()).isEqualTo(GateStatus.FAILED);
    assertThat(r.reason()).isEqualTo("Application argocd/shop-dev not found in the cluster");
  }

  @Test
  void refreshAnnotatesTheApplicationBeforeTheFirstRead() {
    KubeObjects.put(client, ArgoCdGate.APPLICATIONS, application("Synced", COMMIT, "Healthy", "Succeeded"));

    GateResult r = ArgoCdGate.resource(Cluster.of(client), "argocd", "shop-dev", true).check(CONTEXT);

    assertThat(r.status()).isEqualTo(GateStatus.PASSED);
    assertThat(client.genericKubernetesResources(ArgoCdGate.APPLICATIONS).inNamespace("argocd").withName("shop-dev").get()
        .getMetadata().getAnnotations()).containsEntry("argocd.argoproj.io/refresh", "normal");
  }
}
