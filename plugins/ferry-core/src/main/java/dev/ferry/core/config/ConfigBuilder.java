package dev.ferry.core.config;

import dev.ferry.core.Durations;
import static dev.ferry.core.config.NodeReader.text;

import dev.ferry.core.image.ImageRef;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;

/** Turns a tree the {@link Validator} accepted into records, filling in every default. */
final class ConfigBuilder {

  private final NodeReader reader;
  private final Path file;
  private final Path baseDir;

  ConfigBuilder(Path file, Path baseDir) {
    this.reader = new NodeReader(file.toString());
    this.file = file;
    this.baseDir = baseDir == null ? Path.of("").toAbsolutePath() : baseDir;
  }

  FerryConfig build(Node root) {
    Map<String, RepoConfig> repos = new LinkedHashMap<>();
    each(root, "repos", (name, key, value) -> repos.put(name, repo(name, key, value)));
    Map<String, RegistryConfig> registries = new LinkedHashMap<>();
    each(root, "registries", (host, key, value) -> registries.put(host, new RegistryConfig(host,
        Boolean.parseBoolean(text(value, "insecure")), text(value, "usernameEnv"), text(value, "passwordEnv"))));
    Map<String, ServiceConfig> services = new LinkedHashMap<>();
    each(root, "services", (name, key, value) ->
        services.put(name, new ServiceConfig(name, ImageRef.parse(text(value, "image")), reader.at(key))));
    Map<String, EnvironmentConfig> environments = new LinkedHashMap<>();
    each(root, "environments", (name, key, value) -> environments.put(name, environment(name, key, value,
        environments)));
    Node author = NodeReader.value(NodeReader.value(root, "git"), "author");
    GitAuthor gitAuthor = author == null ? GitAuthor.DEFAULT
        : new GitAuthor(text(author, "name"), text(author, "email"));
    return new FerryConfig(file, repos, registries, services, environments, gitAuthor,
        metrics(NodeReader.value(root, "metrics")), notifications(NodeReader.value(root, "notifications")),
        signing(NodeReader.value(NodeReader.value(root, "git"), "signing")),
        trust(NodeReader.value(NodeReader.value(root, "git"), "trust")));
  }

  private SigningConfig signing(Node node) {
    if (node == null) {
      return null;
    }
    return new SigningConfig(SigningConfig.Format.of(text(node, "format")), localFile(text(node, "keyFile")),
        text(node, "keyFileEnv"), text(node, "keyEnv"), text(node, "passphraseEnv"), reader.at(node));
  }

  private TrustConfig trust(Node node) {
    if (node == null) {
      return null;
    }
    return new TrustConfig(localFile(text(node, "allowedSigners")), localFile(text(node, "keyring")), reader.at(node));
  }

  private interface Entry {
    void add(String name, Node key, Node value);
  }

  private static void each(Node root, String section, Entry entry) {
    Node node = NodeReader.value(root, section);
    if (node instanceof MappingNode mapping) {
      for (NodeTuple tuple : mapping.getValue()) {
        entry.add(text(tuple.getKeyNode()), tuple.getKeyNode(), tuple.getValueNode());
      }
    }
  }

  private RepoConfig repo(String name, Node key, Node value) {
    String url = text(value, "url");
    if (!url.contains("://") && !Validator.isScpUrl(url)) {
      url = baseDir.resolve(url).toAbsolutePath().normalize().toString();
    }
    Node auth = NodeReader.value(value, "auth");
    return new RepoConfig(name, url, Optional.ofNullable(text(value, "branch")).orElse("main"),
        text(auth, "usernameEnv"), text(auth, "passwordEnv"), localFile(text(auth, "sshKeyFile")),
        localFile(text(auth, "knownHostsFile")), reader.at(key), pullRequests(NodeReader.value(value, "pullRequests"), url));
  }

  private PullRequestConfig pullRequests(Node node, String url) {
    if (node == null) {
      return null;
    }
    PullRequestConfig.Provider provider = PullRequestConfig.Provider.of(text(node, "provider")).orElseThrow();
    String api = Optional.ofNullable(text(node, "api")).orElseGet(() -> provider.defaultApi().orElseThrow());
    Node app = NodeReader.value(node, "app");
    PullRequestConfig.GitHubApp gitHubApp = app == null ? null : new PullRequestConfig.GitHubApp(text(app, "id"),
        text(app, "installationId"), localFile(text(app, "privateKeyFile")));
    String method = Optional.ofNullable(text(node, "mergeMethod")).orElse("squash");
    return new PullRequestConfig(provider, api.endsWith("/") ? api.substring(0, api.length() - 1) : api,
        Optional.ofNullable(text(node, "repository")).orElseGet(() -> repositoryOf(url)),
        text(node, "tokenEnv"), gitHubApp, Boolean.parseBoolean(text(node, "autoMerge")),
        PullRequestConfig.MergeMethod.valueOf(method.toUpperCase(java.util.Locale.ROOT)),
        NodeReader.items(NodeReader.value(node, "labels")).stream().map(NodeReader::text).toList(),
        NodeReader.items(NodeReader.value(node, "reviewers")).stream().map(NodeReader::text).toList(),
        reader.at(node));
  }

  /**
   * The forge's name of a repository from its clone URL: the path without {@code .git}, and
   * without Bitbucket Data Center's {@code scm/} and Azure DevOps' {@code _git/} segments.
   */
  static String repositoryOf(String url) {
    String path = url;
    int scheme = path.indexOf("://");
    if (scheme > 0) {
      path = path.substring(scheme + 3);
      path = path.indexOf('/') < 0 ? "" : path.substring(path.indexOf('/') + 1);
    } else if (Validator.isScpUrl(path)) {
      path = path.substring(path.indexOf(':') + 1);
    }
    if (path.endsWith(".git")) {
      path = path.substring(0, path.length() - 4);
    }
    path = path.replaceFirst("^/+", "").replaceFirst("^scm/", "").replace("/_git/", "/");
    return path;
  }

  private Path localFile(String path) {
    if (path == null) {
      return null;
    }
    if (path.startsWith("~/")) {
      path = System.getProperty("user.home") + path.substring(1);
    }
    return baseDir.resolve(path).toAbsolutePath().normalize();
  }

  private EnvironmentConfig environment(String name, Node key, Node value, Map<String, EnvironmentConfig> earlier) {
    Map<String, TargetConfig> targets = new LinkedHashMap<>();
    Node written = NodeReader.value(value, "targets");
    if (written == null) {
      // the validator allows this only with 'after', which names an environment built before this one
      targets.putAll(earlier.get(text(value, "after")).targets());
    } else {
      for (NodeTuple tuple : ((MappingNode) written).getValue()) {
        targets.put(text(tuple.getKeyNode()), target(tuple.getValueNode()));
      }
    }
    List<GateConfig> gates = new ArrayList<>();
    for (Node gate : NodeReader.items(NodeReader.value(value, "gates"))) {
      NodeTuple tuple = ((MappingNode) gate).getValue().get(0);
      @SuppressWarnings("unchecked")
      Map<String, Object> settings = (Map<String, Object>) NodeReader.plain(tuple.getValueNode());
      gates.add(new GateConfig(text(tuple.getKeyNode()), settings, reader.at(gate)));
    }
    List<String> approvers = NodeReader.items(NodeReader.value(value, "approvers")).stream()
        .map(NodeReader::text).toList();
    return new EnvironmentConfig(name, text(value, "repo"), targets, Boolean.parseBoolean(text(value, "render")),
        Optional.ofNullable(text(value, "after")),
        duration(text(value, "soak"), Duration.ZERO),
        gates,
        duration(text(value, "gateTimeout"), EnvironmentConfig.DEFAULT_GATE_TIMEOUT),
        rollbackWhen(NodeReader.value(value, "rollback")),
        approvalRequired(NodeReader.value(value, "approval")),
        approvers,
        NodeReader.items(NodeReader.value(NodeReader.value(value, "approval"), "via")).stream().map(NodeReader::text).toList(),
        "pull-request".equals(text(value, "mode")) ? PromotionMode.PULL_REQUEST : PromotionMode.DIRECT,
        reader.at(key),
        NodeReader.items(NodeReader.value(value, "operators")).stream().map(NodeReader::text).toList(),
        "pull-request".equals(text(NodeReader.value(value, "rollback"), "mode")) ? PromotionMode.PULL_REQUEST
            : PromotionMode.DIRECT);
  }

  /** {@code rollback: auto} or {@code rollback: {auto: true, mode: ...}}. */
  private static RollbackMode rollbackWhen(Node rollback) {
    boolean auto = rollback instanceof MappingNode ? "true".equals(text(rollback, "auto")) : "auto".equals(text(rollback));
    return auto ? RollbackMode.AUTO : RollbackMode.MANUAL;
  }

  /** {@code approval: required}, or {@code approval: {required: true}}. */
  private static boolean approvalRequired(Node approval) {
    return approval instanceof MappingNode ? "true".equals(text(approval, "required")) : "required".equals(text(approval));
  }

  private static MetricsConfig metrics(Node node) {
    if (node == null) {
      return MetricsConfig.DEFAULT;
    }
    Node targets = NodeReader.value(node, "targets");
    Map<String, String> written = new LinkedHashMap<>();
    for (String key : Validator.METRICS_TARGET_KEYS) {
      String value = text(targets, key);
      if (value != null) {
        written.put(key, value);
      }
    }
    return new MetricsConfig(duration(text(node, "since"), MetricsConfig.DEFAULT_SINCE),
        new MetricsConfig.Targets(
            Optional.ofNullable(written.get("timeToRestore")).flatMap(Durations::parse),
            Optional.ofNullable(written.get("leadTime")).flatMap(Durations::parse),
            Optional.ofNullable(written.get("changeFailureRate")).flatMap(MetricsConfig::ratio),
            Optional.ofNullable(written.get("deploymentsPerDay")).flatMap(MetricsConfig::ratio),
            written));
  }

  private List<NotificationConfig> notifications(Node node) {
    List<NotificationConfig> out = new ArrayList<>();
    for (Node item : NodeReader.items(node)) {
      String kind = null;
      Node settings = null;
      for (NodeTuple tuple : ((MappingNode) item).getValue()) {
        if (NotificationConfig.KINDS.contains(text(tuple.getKeyNode()))) {
          kind = text(tuple.getKeyNode());
          settings = tuple.getValueNode();
        }
      }
      Node on = NodeReader.value(item, "on");
      java.util.Set<String> events = on == null ? NotificationConfig.defaultEvents(kind)
          : new java.util.LinkedHashSet<>(NodeReader.items(on).stream().map(NodeReader::text).toList());
      List<String> environments = NodeReader.items(NodeReader.value(item, "environments")).stream()
          .map(NodeReader::text).toList();
      String urlEnv = Optional.ofNullable(text(settings, "webhookEnv")).orElse(text(settings, "urlEnv"));
      out.add(new NotificationConfig(kind, urlEnv, text(settings, "url"), text(settings, "tokenEnv"),
          text(settings, "secretEnv"), text(settings, "dashboardUid"), events, environments, reader.at(item)));
    }
    return out;
  }

  private static Duration duration(String text, Duration fallback) {
    return text == null ? fallback : Durations.parse(text).orElseThrow();
  }

  private static TargetConfig target(Node node) {
    String helm = text(node, "helm");
    if (helm != null) {
      String chart = text(node, "chart");
      if (chart == null) {
        int slash = helm.lastIndexOf('/');
        chart = slash < 0 ? "." : helm.substring(0, slash);
      }
      return new HelmTarget(helm, Optional.ofNullable(text(node, "key")).orElse("image"), chart,
          "true".equals(text(node, "allOf")));
    }
    String kustomize = text(node, "kustomize");
    if (kustomize != null) {
      return new KustomizeTarget(kustomize, Optional.ofNullable(text(node, "name")));
    }
    String yaml = text(node, "yaml");
    if (yaml != null) {
      return new YamlTarget(yaml, text(node, "path"));
    }
    return new MarkerTarget(text(node, "marker"));
  }
}
