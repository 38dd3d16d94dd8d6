package dev.ferry.core.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.image.ImageRef;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Rollout gate and the abort against fabric8's Kubernetes mock server in CRUD mode (Argo
 * Rollouts cannot run here), with Rollout and AnalysisRun objects shaped like the controller's.
 */
@EnableKubernetesMockClient(crud = true)
class RolloutGateAgainstMockServerTest {

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

  static final GateContext CONTEXT = new GateContext("dev", "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
      Map.of("web", ImageRef.parse("registry.example.com/shop/web:1.4.2")), Instant.parse("2026-11-29T12:00:00Z"));

  static String rollout(String image, String phase, String stable, String current, boolean abort, String message) {
    return """
        apiVersion: argoproj.io/v1alpha1
        kind: Rollout
        metadata:
          name: web
          namespace: shop
          generation: 4
        spec:
          replicas: 3
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: web
                image: %s
          strategy:
            canary:
              steps:
              - setWeight: 20
              - analysis:
                  templates:
                  - templateName: success-rate
              - setWeight: 100
        status:
          phase: %s
          message: "%s"
          abort: %s
          stableRS: %s
          currentPodHash: %s
          observedGeneration: "4"
          replicas: 3
          updatedReplicas: 3
          availableReplicas: 3
        """.formatted(image, phase, message, abort, stable, current, current);
  }

  static String analysisRun(String name, String hash, String phase, String message) {
    return """
        apiVersion: argoproj.io/v1alpha1
        kind: AnalysisRun
        metadata:
          name: %s
          namespace: shop
          labels:
            rollout-type: Step
            rollouts-pod-template-hash: %s
          ownerReferences:
          - apiVersion: argoproj.io/v1alpha1
            kind: Rollout
            name: web
            uid: 0b1f6a44-1111-2222-3333-444455556666
            controller: true
            blockOwnerDeletion: true
        spec:
          metrics:
          - name: success-rate
            provider:
              prometheus:
                address: http://prometheus:9090
                query: sum(rate(http_requests_total{code!~"5.."}[1m])) / sum(rate(http_requests_total[1m]))
        status:
          phase: %s
          message: "%s"
        """.formatted(name, hash, phase, message);
  }

  GateResult check() {
    return new RolloutGate(Cluster.of(client), "shop", "web").check(CONTEXT);
  }

  @Test
  void healthyOnThePromotedImageWithSuccessfulAnalysisPasses() {
    KubeObjects.put(client, RolloutGate.ROLLOUTS, rollout("registry.example.com/shop/web:1.4.2", "Healthy",
        "6d4f8b7c9", "6d4f8b7c9", false, ""));
    KubeObjects.put(client, RolloutGate.ANALYSIS_RUNS, analysisRun("web-6d4f8b7c9-4-2", "6d4f8b7c9", "Successful", ""));

    GateResult r = check();

    assertThat(r.status()).isEqualTo(GateStatus.PASSED);
    assertThat(r.reason()).isEqualTo("Rollout shop/web is Healthy on 6d4f8b7c9 with successful analysis");
    assertThat(r.observed()).containsEntry("analysisRuns", "web-6d4f8b7c9-4-2=Successful");
  }

  @Test
  void aCanaryInProgressIsRunning() {
    KubeObjects.put(client, RolloutGate.ROLLOUTS, rollout("registry.example.com/shop/web:1.4.2", "Progressing",
        "5c7d9e8f1", "6d4f8b7c9", false, "more replicas need to be updated"));
    KubeObjects.put(client, RolloutGate.ANALYSIS_RUNS, analysisRun("web-6d4f8b7c9-4-2", "6d4f8b7c9", "Running", ""));

    GateResult r = check();

    assertThat(r.status()).isEqualTo(GateStatus.RUNNING);
    assertThat(r.reason()).isEqualTo("Rollout shop/web is Progressing: more replicas need to be updated");
  }

  @Test
  void healthyOnTheOldImageIsRunning() {
    KubeObjects.put(client, RolloutGate.ROLLOUTS, rollout("registry.example.com/shop/web:1.4.1", "Healthy",
        "5c7d9e8f1", "5c7d9e8f1", false, ""));

    GateResult r = check();

    assertThat(r.status()).isEqualTo(GateStatus.RUNNING);
    assertThat(r.reason()).isEqualTo("Rollout shop/web container web runs registry.example.com/shop/web:1.4.1, "
        + "waiting for registry.example.com/shop/web:1.4.2");
  }

  @Test
  void aFailedAnalysisOfTheCurrentRevisionFails() {
    KubeObjects.put(client, RolloutGate.ROLLOUTS, rollout("registry.example.com/shop/web:1.4.2", "Progressing",
        "5c7d9e8f1", "6d4f8b7c9", false, ""));
    KubeObjects.put(client, RolloutGate.ANALYSIS_RUNS, analysisRun("web-5c7d9e8f1-3-2", "5c7d9e8f1", "Failed", "old"));
    KubeObjects.put(client, RolloutGate.ANALYSIS_RUNS, analysisRun("web-6d4f8b7c9-4-2", "6d4f8b7c9", "Failed",
        "Metric \\\"success-rate\\\" assessed Failed due to failed (3) > failureLimit (2)"));

    GateResult r = check();

    assertThat(r.status()).isEqualTo(GateStatus.FAILED);
    assertThat(r.reason()).isEqualTo("AnalysisRun web-6d4f8b7c9-4-2 Failed: Metric \"success-rate\" assessed "
        + "Failed due to failed (3) > failureLimit (2)");
  }

  @Test
  void aDegradedRolloutFails() {
    KubeObjects.put(client, RolloutGate.ROLLOUTS, rollout("registry.example.com/shop/web:1.4.2", "Degraded",
        "5c7d9e8f1", "6d4f8b7c9", false, "ProgressDeadlineExceeded: ReplicaSet \\\"web-6d4f8b7c9\\\" has timed out progressing."));

    GateResult r = check();

    assertThat(r.status()).isEqualTo(GateStatus.FAILED);
    assertThat(r.reason()).startsWith("Rollout shop/web is Degraded: ProgressDeadlineExceeded");
  }

  @Test
  void anAbortedRolloutFails() {
    KubeObjects.put(client, RolloutGate.ROLLOUTS, rollout("registry.example.com/shop/web:1.4.2", "Degraded",
        "5c7d9e8f1", "6d4f8b7c9", true, "RolloutAborted: Rollout aborted update to revision 4"));

    GateResult r = check();

    assertThat(r.status()).isEqualTo(GateStatus.FAILED);
    assertThat(r.reason()).isEqualTo("Rollout shop/web was aborted: RolloutAborted: Rollout aborted update to revision 4");
  }

  @Test
  void aMissingRolloutFails() {
    GateResult r = new RolloutGate(Cluster.of(client), "shop", "api").check(CONTEXT);
    assertThat(r.status()).isEqualTo(GateStatus.FAILED);
    assertThat(r.reason()).isEqualTo("Rollout shop/api not found in the cluster");
  }

  @Test
  void aStatusOlderThanTheSpecIsRunning() {
    KubeObjects.put(client, RolloutGate.ROLLOUTS, rollout("registry.example.com/shop/web:1.4.2", "Healthy",
        "5c7d9e8f1", "5c7d9e8f1", false, "").replace("observedGeneration: \"4\"", "observedGeneration: \"0\""));

    GateResult r = check();

    assertThat(r.status()).isEqualTo(GateStatus.RUNNING);
    assertThat(r.reason()).isEqualTo("Rollout shop/web is Progressing: generation 1 not yet observed by the controller (observed 0)");
  }
}
