package dev.ferry.core.gate;

import dev.ferry.core.ExternalException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/**
 * Aborts an Argo Rollouts Rollout the way {@code kubectl argo rollouts abort} does: a JSON merge
 * patch {@code {"status":{"abort":true}}} on the status subresource, or on the resource itself when
 * the cluster's Rollout definition has no status subresource. The controller then scales the
 * canary down and sends traffic back to the stable ReplicaSet; the pod template keeps the new
 * image until git is reverted.
 *
 * <pre>{@code RolloutAbort.abort(client, "shop", "web");}</pre>
 */
public final class RolloutAbort {

  static final String PATCH = "{\"status\":{\"abort\":true}}";

  private RolloutAbort() {
  }

  /**
   * @throws ExternalException when the Kubernetes API refuses or the Rollout does not exist
   */
  public static void abort(KubernetesClient client, String namespace, String rollout) {
    var resource = client.genericKubernetesResources(RolloutGate.ROLLOUTS).inNamespace(namespace).withName(rollout);
    PatchContext merge = PatchContext.of(PatchType.JSON_MERGE);
    try {
      try {
        resource.subresource("status").patch(merge, PATCH);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404) {
          throw e;
        }
        resource.patch(merge, PATCH);
      }
    } catch (KubernetesClientException e) {
      throw new ExternalException("cannot abort Rollout " + namespace + "/" + rollout + ": "
          + (e.getCode() > 0 ? e.getCode() + " " : "") + e.getMessage(),
          "check that the Rollout exists and that the kubeconfig may patch rollouts/status", e);
    }
  }
}
