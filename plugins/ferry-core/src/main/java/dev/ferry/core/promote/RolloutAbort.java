package dev.ferry.core.promote;

import dev.ferry.core.ExternalException;
import dev.ferry.core.FerryEvent;
import dev.ferry.core.FerryListener;
import dev.ferry.core.config.GateConfig;
import dev.ferry.core.gate.Gates;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Part of a rollback: aborts the Argo Rollouts Rollout of every {@code rollout} gate of the
 * environment the way {@code kubectl argo rollouts abort} does, a JSON merge patch
 * {@code {"status":{"abort":true}}} on the status subresource, or on the resource itself when the
 * cluster's Rollout definition has no status subresource. The controller then scales the canary
 * down and sends traffic back to the stable ReplicaSet; the pod template keeps the new image until
 * git is reverted.
 *
 * <pre>{@code RolloutAbort.abort(client, "shop", "web");}</pre>
 */
public final class RolloutAbort {

  static final String PATCH = "{\"status\":{\"abort\":true}}";

  static final ResourceDefinitionContext ROLLOUTS = new ResourceDefinitionContext.Builder()
      .withGroup("argoproj.io").withVersion("v1alpha1").withKind("Rollout")
      .withPlural("rollouts").withNamespaced(true).build();

  private RolloutAbort() {
  }

  /**
   * @throws ExternalException when the Kubernetes API refuses or the Rollout does not exist
   */
  public static void abort(KubernetesClient client, String namespace, String rollout) {
    var resource = client.genericKubernetesResources(ROLLOUTS).inNamespace(namespace).withName(rollout);
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

  /**
   * Aborts the Rollout of every {@code rollout} gate of an environment after a rollback,
   * {@code {service}} expanded to each of {@code services}. A failure to abort is returned (and
   * reported as a warning), not thrown: the git revert is what rolls back; the abort only makes it
   * faster.
   */
  static Aborts abortAll(List<GateConfig> configs, String environment, List<String> services,
      Map<String, String> env, FerryListener listener) {
    FerryListener events = listener == null ? FerryListener.NONE : listener;
    List<String> aborted = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    for (Gates.RolloutRef ref : Gates.rollouts(configs, environment, services)) {
      if (ref.problem() != null) {
        failed.add(ref.problem());
        events.on(FerryEvent.warn("rollout", "not aborting the rollout gate at " + ref.problem()));
        continue;
      }
      String what = ref.namespace() + "/" + ref.name();
      try (KubernetesClient client = ref.connect(env)) {
        abort(client, ref.namespace(), ref.name());
        aborted.add(what);
        events.on(FerryEvent.info("rollout", "aborted Rollout " + what));
      } catch (ExternalException e) {
        String why = e.getMessage().startsWith("cannot abort") ? e.getMessage() : "cannot abort Rollout " + what + ": " + e.getMessage();
        failed.add(why);
        events.on(FerryEvent.warn("rollout", why));
      }
    }
    return new Aborts(aborted, failed);
  }

  /**
   * What {@link #abortAll} did.
   *
   * @param aborted the Rollouts aborted, as {@code namespace/name}
   * @param failed why each Rollout that should have been aborted was not
   */
  record Aborts(List<String> aborted, List<String> failed) {
    Aborts {
      aborted = List.copyOf(aborted);
      failed = List.copyOf(failed);
    }
  }
}
