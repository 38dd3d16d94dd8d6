package dev.ferry.core.promote;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Rollout abort of a rollback against fabric8's Kubernetes mock server (Argo Rollouts cannot
 * run here): in CRUD mode, and with expectations for a cluster without the status subresource.
 */
@EnableKubernetesMockClient(crud = true)
class RolloutAbortAgainstMockServerTest {

  static KubernetesMockServer server;
  static KubernetesClient client;

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
          template:
            spec:
              containers:
              - name: web
                image: %s
        status:
          phase: %s
          message: "%s"
          abort: %s
          stableRS: %s
          currentPodHash: %s
          observedGeneration: "4"
        """.formatted(image, phase, message, abort, stable, current);
  }

  static GenericKubernetesResource parse(String yaml) {
    return Serialization.unmarshal(yaml, GenericKubernetesResource.class);
  }

  @Test
  void abortSetsStatusAbortAndKeepsTheStableReplicaSet() {
    client.genericKubernetesResources(RolloutAbort.ROLLOUTS).inNamespace("shop").resource(parse(rollout("registry.example.com/shop/web:1.4.2", "Progressing",
        "5c7d9e8f1", "6d4f8b7c9", false, ""))).create();

    RolloutAbort.abort(client, "shop", "web");

    GenericKubernetesResource after = client.genericKubernetesResources(RolloutAbort.ROLLOUTS).inNamespace("shop")
        .withName("web").get();
    @SuppressWarnings("unchecked")
    Map<String, Object> status = (Map<String, Object>) after.getAdditionalProperties().get("status");
    assertThat(status).containsEntry("abort", true).containsEntry("stableRS", "5c7d9e8f1");
  }

  @Test
  void abortFallsBackToTheResourceWhenThereIsNoStatusSubresource() throws Exception {
    KubernetesMockServer plain = new KubernetesMockServer(false);
    plain.init();
    try (KubernetesClient c = plain.createClient()) {
      String path = "/apis/argoproj.io/v1alpha1/namespaces/shop/rollouts/web";
      GenericKubernetesResource aborted = parse(rollout("registry.example.com/shop/web:1.4.2",
          "Degraded", "5c7d9e8f1", "6d4f8b7c9", true, ""));
      plain.expect().patch().withPath(path + "/status").andReturn(404,
          "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404}").once();
      plain.expect().get().withPath(path).andReturn(200, aborted).always();
      plain.expect().patch().withPath(path).andReturn(200, aborted).once();

      RolloutAbort.abort(c, "shop", "web");

      java.util.List<String> patches = new java.util.ArrayList<>();
      for (int i = 0; i < plain.getRequestCount(); i++) {
        var request = plain.takeRequest();
        if (request.getMethod().equals("PATCH")) {
          patches.add(request.getPath() + " " + request.getBody().readUtf8());
        }
      }
      assertThat(patches).containsExactly(path + "/status {\"status\":{\"abort\":true}}",
          path + " {\"status\":{\"abort\":true}}");
    } finally {
      plain.destroy();
    }
  }
}
