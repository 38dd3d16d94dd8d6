package dev.ferry.core.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.image.ImageRef;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Deployment gate against fabric8's Kubernetes mock server in CRUD mode (no API server runs
 * here), with Deployments shaped like {@code kubectl get deployment -o yaml} shows them.
 */
@EnableKubernetesMockClient(crud = true)
class DeploymentGateAgainstMockServerTest {

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
      Map.of("web", ImageRef.parse("registry.example.com/shop/web:1.4.2@sha256:" + "a".repeat(64))),
      Instant.parse("2026-11-29T12:00:00Z"));

  static String deployment(String image, long generation, long observed, int replicas, int updated, int available,
      int total, String progressing) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: shop
          generation: %d
        spec:
          replicas: 2
          progressDeadlineSeconds: 600
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: web
                image: %s
              - name: envoy
                image: envoyproxy/envoy:v1.31.0
        status:
          observedGeneration: %d
          replicas: %d
          updatedReplicas: %d
          readyReplicas: %d
          availableReplicas: %d
          conditions:
          - type: Available
            status: "True"
            reason: MinimumReplicasAvailable
          - type: Progressing
            %s
        """.formatted(generation, image, observed, total, updated, available, available, progressing);
  }

  static final String PROGRESSING = "status: \"True\"\n    reason: ReplicaSetUpdated\n    message: ReplicaSet \"web-7d9c\" is progressing.";
  static final String COMPLETE = "status: \"True\"\n    reason: NewReplicaSetAvailable\n    message: ReplicaSet \"web-7d9c\" has successfully progressed.";
  static final String DEADLINE = "status: \"False\"\n    reason: ProgressDeadlineExceeded\n    message: ReplicaSet \"web-7d9c\" has timed out progressing.";
  static final String NEW = "registry.example.com/shop/web:1.4.2";
  static final String OLD = "registry.example.com/shop/web:1.4.1";

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("rolled out", deployment(NEW, 5, 5, 2, 2, 2, 2, COMPLETE), null,
            GateStatus.PASSED, "Deployment shop/web rolled out: 2/2 replicas available"),
        Arguments.of("pinned by digest", deployment(NEW + "@sha256:" + "a".repeat(64), 5, 5, 2, 2, 2, 2, COMPLETE), null,
            GateStatus.PASSED, "Deployment shop/web rolled out: 2/2 replicas available"),
        Arguments.of("other digest", deployment(NEW + "@sha256:" + "b".repeat(64), 5, 5, 2, 2, 2, 2, COMPLETE), null,
            GateStatus.RUNNING, "Deployment shop/web container web runs " + NEW + "@sha256:" + "b".repeat(64)
                + ", waiting for " + NEW + "@sha256:" + "a".repeat(64)),
        Arguments.of("not observed yet", deployment(NEW, 1, 0, 2, 2, 2, 2, COMPLETE), null,
            GateStatus.RUNNING, "Deployment shop/web generation 1 not yet observed by the controller (observed 0)"),
        Arguments.of("updating", deployment(NEW, 5, 5, 2, 1, 2, 3, PROGRESSING), null,
            GateStatus.RUNNING, "Deployment shop/web: 1 of 2 replicas updated"),
        Arguments.of("old pods terminating", deployment(NEW, 5, 5, 2, 2, 2, 3, PROGRESSING), null,
            GateStatus.RUNNING, "Deployment shop/web: 1 old replicas pending termination"),
        Arguments.of("not available", deployment(NEW, 5, 5, 2, 2, 1, 2, PROGRESSING), null,
            GateStatus.RUNNING, "Deployment shop/web: 1 of 2 updated replicas available"),
        Arguments.of("old image", deployment(OLD, 4, 4, 2, 2, 2, 2, COMPLETE), null,
            GateStatus.RUNNING, "Deployment shop/web container web runs " + OLD + ", waiting for " + CONTEXT.images().get("web")),
        Arguments.of("deadline exceeded", deployment(NEW, 5, 5, 2, 1, 1, 3, DEADLINE), null,
            GateStatus.FAILED, "Deployment shop/web exceeded its progress deadline: ReplicaSet \"web-7d9c\" has timed out progressing."),
        Arguments.of("unknown container", deployment(NEW, 5, 5, 2, 2, 2, 2, COMPLETE), "app",
            GateStatus.FAILED, "Deployment shop/web has no container named app"),
        Arguments.of("no promoted image at all", deployment("registry.example.com/shop/api:2.0.0", 5, 5, 2, 2, 2, 2, COMPLETE), "web",
            GateStatus.FAILED, "no container of Deployment shop/web runs a promoted image (" + CONTEXT.images().get("web") + ")"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void judgesTheRollout(String title, String yaml, String container, GateStatus status, String reason) {
    client.apps().deployments().inNamespace("shop").resource(Serialization.unmarshal(yaml, Deployment.class)).create();

    GateResult r = new DeploymentGate(Cluster.of(client), "shop", "web", container).check(CONTEXT);

    assertThat(r.status()).isEqualTo(status);
    assertThat(r.reason()).isEqualTo(reason);
  }

  @org.junit.jupiter.api.Test
  void readsTheClusterThroughAKubeconfigFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    client.apps().deployments().inNamespace("shop")
        .resource(Serialization.unmarshal(deployment(NEW, 5, 5, 2, 2, 2, 2, COMPLETE), Deployment.class)).create();
    java.nio.file.Path kubeconfig = dir.resolve("kubeconfig");
    java.nio.file.Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: mock
          cluster: {server: "%s", insecure-skip-tls-verify: true}
        users:
        - name: ci
          user: {token: not-a-real-token}
        contexts:
        - name: staging
          context: {cluster: mock, user: ci, namespace: shop}
        current-context: staging
        """.formatted(client.getMasterUrl()));
    java.util.List<Gate> gates = Gates.fromConfig(java.util.List.of(new dev.ferry.core.config.GateConfig("deployment",
        Map.of("kubeconfig", kubeconfig.toString(), "namespace", "shop", "name", "web"),
        dev.ferry.core.SourceLocation.of("ferry.yaml", 3, 9))), "dev", Map.of());

    try (Gate gate = gates.get(0)) {
      GateResult r = gate.check(CONTEXT);
      assertThat(r.status()).isEqualTo(GateStatus.PASSED);
    }
  }
}
