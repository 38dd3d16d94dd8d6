package dev.ferry.core.gate;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The Kubernetes API a gate reads, reached through a kubeconfig file: the {@code kubeconfig}
 * setting, else the first entry of {@code KUBECONFIG}, else {@code ~/.kube/config}. The client is
 * built on first use so that a gate list can be built and validated without a cluster.
 */
final class Cluster implements AutoCloseable {

  /** Set to 1, kubeconfigs whose users run a program ({@code exec:}) are refused: ferry.yaml is code. */
  public static final String FORBID_EXEC_ENV = "FERRY_FORBID_EXEC_PLUGINS";

  private final String kubeconfig;
  private boolean forbidExec;
  private final String context;
  private KubernetesClient client;
  private final boolean owned;

  private Cluster(String kubeconfig, String context, KubernetesClient client, boolean owned) {
    this.kubeconfig = kubeconfig;
    this.context = context;
    this.client = client;
    this.owned = owned;
  }

  /** The settings of every gate that reads a cluster. */
  static final java.util.List<GateSetting> SETTINGS = java.util.List.of(
      GateSetting.optional("kubeconfig", GateSetting.Type.STRING, null, "kubeconfig file; default $KUBECONFIG, else ~/.kube/config"),
      GateSetting.optional("context", GateSetting.Type.STRING, null, "kubeconfig context; default the file's current context"));

  static Cluster of(GateSettings s, Map<String, String> env) {
    return fromKubeconfig(s.text("kubeconfig"), s.text("context"), env);
  }

  static Cluster fromKubeconfig(String kubeconfig, String context, Map<String, String> env) {
    String file = kubeconfig;
    if (file == null || file.isBlank()) {
      String fromEnv = env.get("KUBECONFIG");
      file = fromEnv != null && !fromEnv.isBlank()
          ? fromEnv.split(File.pathSeparator)[0]
          : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".kube", "config").toString();
    } else if (file.startsWith("~/")) {
      file = Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), file.substring(2)).toString();
    }
    Cluster cluster = new Cluster(file, context, null, true);
    cluster.forbidExec = "1".equals(env.get(FORBID_EXEC_ENV));
    return cluster;
  }

  /** A cluster reached through a client that the caller owns (tests: the mock server's client). */
  static Cluster of(KubernetesClient client) {
    return new Cluster(null, null, client, false);
  }

  /**
   * The client, built on first use.
   *
   * @throws GateAnswer (FAILED) when the kubeconfig cannot be read: retrying will not help
   */
  synchronized KubernetesClient client() {
    if (client == null) {
      Path path = Path.of(kubeconfig);
      if (!Files.isReadable(path)) {
        throw new GateAnswer(GateResult.failed("cannot read kubeconfig " + path
            + ": set 'kubeconfig' on the gate or KUBECONFIG"));
      }
      if (forbidExec) {
        refuseExecPlugins(path);
      }
      try {
        Config config = Config.fromKubeconfig(context, path.toFile());
        client = new KubernetesClientBuilder().withConfig(config).build();
      } catch (KubernetesClientException | IllegalArgumentException e) {
        throw new GateAnswer(GateResult.failed("cannot use kubeconfig " + path
            + (context == null ? "" : " context " + context) + ": " + e.getMessage()));
      }
    }
    return client;
  }

  /** Before fabric8 reads the file: reading it runs the exec plugins. */
  private static void refuseExecPlugins(Path path) {
    io.fabric8.kubernetes.api.model.Config parsed;
    try {
      parsed = io.fabric8.kubernetes.client.internal.KubeConfigUtils.parseConfig(path.toFile());
    } catch (RuntimeException e) {
      throw new GateAnswer(GateResult.failed("cannot read kubeconfig " + path + ": " + e.getMessage()));
    }
    for (var user : parsed.getUsers() == null ? List.<io.fabric8.kubernetes.api.model.NamedAuthInfo>of() : parsed.getUsers()) {
      if (user.getUser() != null && (user.getUser().getExec() != null || user.getUser().getAuthProvider() != null)) {
        throw new GateAnswer(GateResult.failed("kubeconfig " + path + " runs a program for user '" + user.getName()
            + "' (exec or auth-provider), and " + FORBID_EXEC_ENV + "=1 forbids that; use a token or certificate user"));
      }
    }
  }

  /** Where the API is, for messages: the kubeconfig and context, never credentials. */
  String describe() {
    return kubeconfig == null ? "the cluster" : kubeconfig + (context == null ? "" : " (context " + context + ")");
  }

  /**
   * Turns a client failure into an answer: denied or missing things are final, anything else
   * (connection refused, 5xx, timeouts) is retryable.
   */
  static GateResult answer(KubernetesClientException e, String what) {
    int code = e.getCode();
    String message = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
    if (code == 401 || code == 403) {
      return GateResult.failed("the Kubernetes API refused to read " + what + " (" + code + "): " + message);
    }
    if (code == 404) {
      return GateResult.failed(what + " not found");
    }
    return GateResult.errored("cannot read " + what + ": " + (code > 0 ? code + " " : "") + message);
  }

  @Override
  public synchronized void close() {
    if (owned && client != null) {
      client.close();
      client = null;
    }
  }
}
