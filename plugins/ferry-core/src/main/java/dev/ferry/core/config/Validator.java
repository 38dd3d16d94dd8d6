package dev.ferry.core.config;

import dev.ferry.core.Durations;
import static dev.ferry.core.config.NodeReader.isNull;
import static dev.ferry.core.config.NodeReader.kindOf;
import static dev.ferry.core.config.NodeReader.text;

import dev.ferry.core.InputException;
import dev.ferry.core.gate.GateCatalogue;
import dev.ferry.core.image.ImageRef;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Checks a composed {@code ferry.yaml} and collects every problem; fills in nothing (that is
 * {@link ConfigBuilder}'s job, which runs only when this finds no problem).
 */
final class Validator {

  static final String API_VERSION = "ferry/v1";
  static final List<String> TOP_KEYS = List.of("apiVersion", "repos", "registries", "services", "environments", "git",
      "metrics", "notifications");
  static final List<String> REPO_KEYS = List.of("url", "branch", "auth", "pullRequests");
  static final List<String> PULL_REQUEST_KEYS = List.of("provider", "api", "repository", "tokenEnv", "app",
      "autoMerge", "mergeMethod", "labels", "reviewers");
  static final List<String> APP_KEYS = List.of("id", "installationId", "privateKeyFile");
  static final List<String> AUTH_KEYS = List.of("usernameEnv", "passwordEnv", "sshKeyFile", "knownHostsFile");
  static final List<String> REGISTRY_KEYS = List.of("insecure", "usernameEnv", "passwordEnv");
  static final List<String> SERVICE_KEYS = List.of("image");
  static final List<String> ENVIRONMENT_KEYS = List.of("repo", "targets", "render", "after", "soak", "gates",
      "gateTimeout", "rollback", "approval", "approvers", "mode", "operators");
  static final List<String> APPROVAL_KEYS = List.of("required", "via");
  static final Map<String, List<String>> TARGET_KEYS = targetKeys();
  static final List<String> GATE_KINDS = GateCatalogue.kinds();
  static final List<String> GIT_KEYS = List.of("author", "signing", "trust");
  static final List<String> SIGNING_KEYS = List.of("format", "keyFile", "keyFileEnv", "keyEnv", "passphraseEnv");
  static final List<String> SIGNING_FORMATS = List.of("ssh", "openpgp", "github");
  static final List<String> TRUST_KEYS = List.of("allowedSigners", "keyring");
  static final List<String> AUTHOR_KEYS = List.of("name", "email");
  static final List<String> METRICS_KEYS = List.of("since", "targets");
  static final List<String> METRICS_TARGET_KEYS = List.of("timeToRestore", "leadTime", "changeFailureRate",
      "deploymentsPerDay");
  static final Map<String, List<String>> NOTIFICATION_KEYS = Map.of(
      "slack", List.of("webhookEnv"),
      "teams", List.of("webhookEnv"),
      "webhook", List.of("urlEnv", "secretEnv"),
      "grafana", List.of("url", "tokenEnv", "dashboardUid"));

  private static final Pattern ENV_VAR = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?"
      + "|\\[[0-9a-fA-F:]+\\](:[0-9]{1,5})?");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{[^}]*\\}");
  private static final Pattern SCP_URL = Pattern.compile("[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:.+");
  private static final Set<String> SCHEMES = Set.of("https", "http", "ssh", "git", "file");

  private final NodeReader reader;
  private final List<ConfigProblem> problems = new ArrayList<>();
  /** Each mapping's entries by key, indexed on first use (see keyNodeOf). */
  private final Map<Node, Map<String, NodeTuple>> entriesByMapping = new java.util.IdentityHashMap<>();

  Validator(String fileName) {
    this.reader = new NodeReader(fileName);
  }

  private static Map<String, List<String>> targetKeys() {
    Map<String, List<String>> keys = new LinkedHashMap<>();
    keys.put("helm", List.of("helm", "key", "chart", "allOf"));
    keys.put("kustomize", List.of("kustomize", "name"));
    keys.put("yaml", List.of("yaml", "path"));
    keys.put("marker", List.of("marker"));
    return keys;
  }

  List<ConfigProblem> validate(Node root) {
    Map<String, Node> top = mapping(root, "the top level", TOP_KEYS);
    if (top == null) {
      return problems;
    }
    Node api = top.get("apiVersion");
    if (api == null) {
      problem(root, "missing key 'apiVersion' at the top level (write apiVersion: " + API_VERSION + ")");
    } else if (!API_VERSION.equals(text(api))) {
      problem(api, "apiVersion must be " + API_VERSION + ", not " + kindOf(api));
    }
    Set<String> repos = section(root, top, "repos", true, this::repo);
    section(root, top, "registries", false, this::registry);
    Set<String> services = section(root, top, "services", true, this::service);
    Node environments = top.get("environments");
    if (environments == null) {
      problem(root, "missing key 'environments' at the top level");
    } else {
      environments(environments, repos, services);
    }
    Node git = top.get("git");
    if (git != null) {
      Map<String, Node> gitKeys = mapping(git, "git", GIT_KEYS);
      if (gitKeys != null && gitKeys.get("author") != null) {
        Map<String, Node> author = mapping(gitKeys.get("author"), "git.author", AUTHOR_KEYS);
        if (author != null) {
          requiredText(gitKeys.get("author"), author, "name", "git.author");
          requiredText(gitKeys.get("author"), author, "email", "git.author");
        }
      }
      if (gitKeys != null && gitKeys.get("signing") != null) {
        signing(gitKeys.get("signing"), top.get("repos"));
      }
      if (gitKeys != null && gitKeys.get("trust") != null) {
        trust(gitKeys.get("trust"));
      }
    }
    if (top.get("metrics") != null) {
      metrics(top.get("metrics"));
    }
    if (top.get("notifications") != null) {
      notifications(top.get("notifications"), environments == null ? Set.of() : namesOf(environments));
    }
    // report in reading order, whatever order the checks ran in
    problems.sort(java.util.Comparator.comparingInt((ConfigProblem p) -> p.location().line())
        .thenComparingInt(p -> p.location().column()));
    return problems;
  }

  private void signing(Node node, Node repos) {
    String where = "git.signing";
    Map<String, Node> keys = mapping(node, where, SIGNING_KEYS);
    if (keys == null) {
      return;
    }
    if (!keys.containsKey("format")) {
      problem(node, "missing key 'format' in " + where + " (one of " + String.join(", ", SIGNING_FORMATS) + ")");
    } else {
      oneOf(keys, "format", where, SIGNING_FORMATS);
    }
    if ("github".equals(text(keys.get("format")))) {
      forgeSigning(node, keys, repos);
      return;
    }
    optionalText(keys, "keyFile", where);
    envVar(keys, "keyFileEnv", where);
    envVar(keys, "keyEnv", where);
    envVar(keys, "passphraseEnv", where);
    if (java.util.stream.Stream.of("keyFile", "keyFileEnv", "keyEnv").filter(keys::containsKey).count() != 1) {
      problem(node, where + " needs exactly one of keyFile (a private key file), keyFileEnv (a variable holding"
          + " the key file's path) and keyEnv (a variable holding the key's text)");
    }
  }

  /**
   * {@code format: github}: GitHub signs the commits it creates, with the credentials of each
   * repository's {@code pullRequests}; there is no key of Ferry's to name.
   */
  private void forgeSigning(Node node, Map<String, Node> keys, Node repos) {
    for (String key : List.of("keyFile", "keyFileEnv", "keyEnv", "passphraseEnv")) {
      if (keys.containsKey(key)) {
        problem(keys.get(key), key + " in git.signing does not go with format github: GitHub signs the commits"
            + " it creates with its own key; remove " + key);
      }
    }
    if (!(repos instanceof MappingNode mapping)) {
      return;
    }
    List<String> without = new ArrayList<>();
    for (NodeTuple tuple : mapping.getValue()) {
      String provider = null;
      if (tuple.getValueNode() instanceof MappingNode repo) {
        Node prs = NodeReader.value(repo, "pullRequests");
        provider = prs instanceof MappingNode ? text(NodeReader.value(prs, "provider")) : null;
      }
      if (!"github".equals(provider)) {
        without.add(text(tuple.getKeyNode()));
      }
    }
    if (!without.isEmpty()) {
      problem(keys.get("format"), "git.signing format github creates commits through the GitHub API with the"
          + " credentials of the repository's pullRequests, but " + String.join(", ", without)
          + (without.size() == 1 ? " has" : " have") + " no pullRequests with provider github; add pullRequests:"
          + " {provider: github, tokenEnv: ...} (or app: ...) to " + (without.size() == 1 ? "it" : "each")
          + ", or use format ssh or openpgp");
    }
  }

  private void trust(Node node) {
    String where = "git.trust";
    Map<String, Node> keys = mapping(node, where, TRUST_KEYS);
    if (keys == null) {
      return;
    }
    optionalText(keys, "allowedSigners", where);
    optionalText(keys, "keyring", where);
    if (keys.isEmpty()) {
      problem(node, where + " needs allowedSigners (an ssh allowed-signers file), keyring (OpenPGP public"
          + " keys) or both");
    }
  }

  private interface EntryCheck {
    void check(String name, Node keyNode, Node value);
  }

  /** A top-level mapping of named entries; returns the names seen. */
  private Set<String> section(Node root, Map<String, Node> top, String key, boolean required, EntryCheck check) {
    Node node = top.get(key);
    Set<String> names = new java.util.LinkedHashSet<>();
    if (node == null || !required && isNull(node)) {
      if (required) {
        problem(root, "missing key '" + key + "' at the top level");
      }
      return names;
    }
    if (!(node instanceof MappingNode mapping)) {
      problem(node, "'" + key + "' must be a mapping of names to settings, not " + kindOf(node));
      return names;
    }
    if (required && mapping.getValue().isEmpty()) {
      problem(node, "'" + key + "' is empty; name at least one");
    }
    for (NodeTuple tuple : mapping.getValue()) {
      String name = keyText(tuple, key);
      if (name == null) {
        continue;
      }
      if (!names.add(name)) {
        problem(tuple.getKeyNode(), "duplicate key '" + name + "' in " + key);
        continue;
      }
      check.check(name, tuple.getKeyNode(), tuple.getValueNode());
    }
    return names;
  }

  private void repo(String name, Node keyNode, Node value) {
    String where = "repo '" + name + "'";
    Map<String, Node> keys = mapping(value, where, REPO_KEYS);
    if (keys == null) {
      return;
    }
    String url = requiredText(value, keys, "url", where);
    if (url != null) {
      checkUrl(keys.get("url"), url, where);
    }
    optionalText(keys, "branch", where);
    Node auth = keys.get("auth");
    if (auth != null) {
      Map<String, Node> authKeys = mapping(auth, "auth of " + where, AUTH_KEYS);
      if (authKeys != null) {
        envVar(authKeys, "usernameEnv", "auth of " + where);
        envVar(authKeys, "passwordEnv", "auth of " + where);
        optionalText(authKeys, "sshKeyFile", "auth of " + where);
        optionalText(authKeys, "knownHostsFile", "auth of " + where);
        boolean password = authKeys.containsKey("usernameEnv") || authKeys.containsKey("passwordEnv");
        boolean ssh = authKeys.containsKey("sshKeyFile") || authKeys.containsKey("knownHostsFile");
        if (password && ssh) {
          problem(auth, "auth of " + where + " mixes password and ssh settings; use usernameEnv/passwordEnv"
              + " for http(s) or sshKeyFile/knownHostsFile for ssh");
        } else if (authKeys.containsKey("usernameEnv") != authKeys.containsKey("passwordEnv")) {
          problem(auth, "auth of " + where + " needs both usernameEnv and passwordEnv"
              + " (for a token, the user name your git server expects with it, e.g. x-access-token or oauth2)");
        }
      }
    }
    Node prs = keys.get("pullRequests");
    if (prs != null) {
      pullRequests(prs, where);
    }
  }

  private void pullRequests(Node node, String repo) {
    String where = "pullRequests of " + repo;
    Map<String, Node> keys = mapping(node, where, PULL_REQUEST_KEYS);
    if (keys == null) {
      return;
    }
    String provider = requiredText(node, keys, "provider", where);
    if (provider != null && PullRequestConfig.Provider.of(provider).isEmpty()) {
      problem(keys.get("provider"), "'provider' in " + where + " must be one of "
          + String.join(", ", PullRequestConfig.Provider.keys()) + ", not " + kindOf(keys.get("provider")));
      provider = null;
    }
    String api = optionalText(keys, "api", where);
    if (api != null && !isSafeApi(api)) {
      problem(keys.get("api"), "'api' in " + where + " must be an https URL (plain http only on this machine's"
          + " loopback), not '" + api.replaceAll("//[^/@]*@", "//") + "'");
    }
    PullRequestConfig.Provider kind = provider == null ? null : PullRequestConfig.Provider.of(provider).get();
    if (kind != null && api == null && kind.defaultApi().isEmpty()) {
      problem(node, "missing key 'api' in " + where + ": " + kind.key() + " is self-hosted; write its API root"
          + (kind == PullRequestConfig.Provider.GITEA ? " (e.g. https://gitea.example.com/api/v1)"
              : " (e.g. https://bitbucket.example.com/rest/api/1.0)"));
    }
    optionalText(keys, "repository", where);
    envVar(keys, "tokenEnv", where);
    Node app = keys.get("app");
    if (app != null) {
      Map<String, Node> appKeys = mapping(app, "app of " + where, APP_KEYS);
      if (appKeys != null) {
        requiredText(app, appKeys, "id", "app of " + where);
        requiredText(app, appKeys, "installationId", "app of " + where);
        requiredText(app, appKeys, "privateKeyFile", "app of " + where);
      }
      if (kind != null && kind != PullRequestConfig.Provider.GITHUB) {
        problem(app, "'app' in " + where + " is for GitHub only; use tokenEnv for " + kind.key());
      }
    }
    if (keys.containsKey("tokenEnv") == (app != null)) {
      problem(node, where + " needs exactly one of tokenEnv (the variable holding the API token) or app"
          + " (a GitHub App: {id, installationId, privateKeyFile})");
    }
    bool(keys, "autoMerge", where);
    oneOf(keys, "mergeMethod", where, List.of("squash", "rebase", "merge"));
    names(keys, "labels", where);
    names(keys, "reviewers", where);
  }

  private static boolean isSafeApi(String api) {
    if (api.startsWith("https://") && api.length() > "https://".length()) {
      return !api.substring(8).split("/", 2)[0].contains("@");
    }
    // tokens go in headers; over plain http only to a forge (or a fake) on this machine
    return api.startsWith("http://127.0.0.1:") || api.startsWith("http://localhost:") || api.startsWith("http://[::1]:");
  }

  private void names(Map<String, Node> keys, String key, String where) {
    Node node = keys.get(key);
    if (node == null) {
      return;
    }
    if (!(node instanceof SequenceNode seq)) {
      problem(node, "'" + key + "' in " + where + " must be a list of names, not " + kindOf(node));
      return;
    }
    for (Node item : seq.getValue()) {
      if (!(item instanceof ScalarNode) || text(item) == null || text(item).isBlank()) {
        problem(item, "'" + key + "' in " + where + " must be a list of names, not hold " + kindOf(item));
      }
    }
  }

  private void checkUrl(Node node, String url, String where) {
    int scheme = url.indexOf("://");
    if (scheme > 0) {
      String name = url.substring(0, scheme).toLowerCase(java.util.Locale.ROOT);
      if (!SCHEMES.contains(name)) {
        problem(node, "url of " + where + " has scheme '" + name + "' (known: https, http, ssh, git, file)");
        return;
      }
      String rest = url.substring(scheme + 3);
      int slash = rest.indexOf('/');
      String authority = slash < 0 ? rest : rest.substring(0, slash);
      if (authority.contains("@") && (name.startsWith("http")
          || authority.substring(0, authority.lastIndexOf('@')).contains(":"))) {
        // never echo the URL: it may hold a password or a token written as the user name
        problem(node, "url of " + where + " carries credentials; move them to environment variables"
            + " named by auth.usernameEnv and auth.passwordEnv");
      } else if (authority.isEmpty() && !name.equals("file")) {
        problem(node, "url of " + where + " names no host");
      }
    } else if (url.isBlank()) {
      problem(node, "url of " + where + " is empty");
    }
    // anything else is user@host:path (scp form) or a local path: both are fine as written
  }

  static boolean isScpUrl(String url) {
    return !url.contains("://") && SCP_URL.matcher(url).matches();
  }

  private void registry(String host, Node keyNode, Node value) {
    String where = "registry '" + host + "'";
    if (!HOST.matcher(host).matches()) {
      problem(keyNode, "registry '" + host + "' must be a host or host:port as image references name it"
          + " (e.g. registry.example.com or 127.0.0.1:5000)");
    }
    Map<String, Node> keys = mapping(value, where, REGISTRY_KEYS);
    if (keys == null) {
      return;
    }
    bool(keys, "insecure", where);
    envVar(keys, "usernameEnv", where);
    envVar(keys, "passwordEnv", where);
    if (keys.containsKey("usernameEnv") != keys.containsKey("passwordEnv")) {
      problem(value, where + " needs both usernameEnv and passwordEnv, or neither");
    }
  }

  private void service(String name, Node keyNode, Node value) {
    String where = "service '" + name + "'";
    checkName(keyNode, name, "service");
    Map<String, Node> keys = mapping(value, where, SERVICE_KEYS);
    if (keys == null) {
      return;
    }
    String image = requiredText(value, keys, "image", where);
    if (image == null) {
      return;
    }
    try {
      ImageRef ref = ImageRef.parse(image);
      if (ref.tag() != null || ref.digest() != null) {
        problem(keys.get("image"), "image of " + where + " must name a repository without tag or digest"
            + " (write " + ref.name() + "; the tag comes with each promotion)");
      }
    } catch (InputException e) {
      problem(keys.get("image"), "image of " + where + ": " + e.getMessage());
    }
  }

  private void checkName(Node keyNode, String name, String what) {
    if (!Names.valid(name)) {
      problem(keyNode, what + " name '" + name + "' " + Names.RULE);
    }
  }

  private void environments(Node node, Set<String> repos, Set<String> services) {
    if (!(node instanceof MappingNode mapping)) {
      problem(node, "'environments' must be a mapping of names to settings, not " + kindOf(node));
      return;
    }
    if (mapping.getValue().isEmpty()) {
      problem(node, "'environments' is empty; name at least one");
    }
    List<String> all = new ArrayList<>();
    for (NodeTuple tuple : mapping.getValue()) {
      String name = keyText(tuple, "environments");
      if (name != null) {
        all.add(name);
      }
    }
    Set<String> seen = new HashSet<>();
    for (NodeTuple tuple : mapping.getValue()) {
      String name = keyText(tuple, "environments");
      if (name == null) {
        continue;
      }
      if (!seen.add(name)) {
        problem(tuple.getKeyNode(), "duplicate key '" + name + "' in environments");
        continue;
      }
      checkName(tuple.getKeyNode(), name, "environment");
      environment(name, tuple.getValueNode(), repos, services, all, seen);
    }
  }

  private void environment(String name, Node value, Set<String> repos, Set<String> services,
      List<String> all, Set<String> earlier) {
    String where = "environment '" + name + "'";
    Map<String, Node> keys = mapping(value, where, ENVIRONMENT_KEYS);
    if (keys == null) {
      return;
    }
    String repo = requiredText(value, keys, "repo", where);
    if (repo != null && !repos.contains(repo)) {
      problem(keys.get("repo"), "'repo' in " + where + " names '" + repo + "', which is not under repos"
          + known(repos));
    }
    Node targets = keys.get("targets");
    if (targets == null) {
      if (!keys.containsKey("after")) {
        problem(value, "missing key 'targets' in " + where + " (only an environment with 'after' inherits them)");
      }
    } else {
      targets(name, targets, services);
    }
    bool(keys, "render", where);
    String after = optionalText(keys, "after", where);
    if (after != null) {
      if (after.equals(name)) {
        problem(keys.get("after"), "'after' in " + where + " names the environment itself");
      } else if (!all.contains(after)) {
        problem(keys.get("after"), "'after' in " + where + " names '" + after + "', which is not an environment"
            + known(all));
      } else if (!earlier.contains(after)) {
        problem(keys.get("after"), "'after' in " + where + " names '" + after + "', which is written after it;"
            + " list environments in promotion order");
      }
    }
    duration(keys, "soak", where);
    duration(keys, "gateTimeout", where);
    Node gates = keys.get("gates");
    if (gates != null) {
      gates(where, gates);
    }
    Node rollback = keys.get("rollback");
    if (rollback instanceof MappingNode) {
      Map<String, Node> rollbackKeys = mapping(rollback, "rollback of " + where, List.of("auto", "mode"));
      bool(rollbackKeys, "auto", "rollback of " + where);
      oneOf(rollbackKeys, "mode", "rollback of " + where, List.of("direct", "pull-request"));
    } else {
      oneOf(keys, "rollback", where, List.of("manual", "auto"));
    }
    boolean approvalRequired = approval(keys, where);
    oneOf(keys, "mode", where, List.of("direct", "pull-request"));
    Node approvers = keys.get("approvers");
    if (approvers != null) {
      if (!(approvers instanceof SequenceNode seq)) {
        problem(approvers, "'approvers' in " + where + " must be a list of names, not " + kindOf(approvers));
      } else {
        for (Node item : seq.getValue()) {
          if (text(item) == null || !(item instanceof ScalarNode)) {
            problem(item, "'approvers' in " + where + " must be a list of names, not hold " + kindOf(item));
          }
        }
        if (!approvalRequired) {
          problem(approvers, "'approvers' in " + where + " needs 'approval: required'");
        }
      }
    } else if (approvalRequired) {
      // without names, whoever can start the CI job (or click its button) approves
      problem(keys.get("approval"), "'approval: required' in " + where + " needs 'approvers': the names"
          + " who may approve (e.g. approvers: [alice, release-managers])");
    }
    names(keys.get("operators"), "operators", where);
  }

  private void names(Node node, String key, String where) {
    if (node == null) {
      return;
    }
    if (!(node instanceof SequenceNode seq)) {
      problem(node, "'" + key + "' in " + where + " must be a list of names, not " + kindOf(node));
      return;
    }
    for (Node item : seq.getValue()) {
      if (text(item) == null || !(item instanceof ScalarNode)) {
        problem(item, "'" + key + "' in " + where + " must be a list of names, not hold " + kindOf(item));
      }
    }
  }

  /**
   * {@code approval: required | none}, or {@code approval: {required: true, via: [SOURCE...]}};
   * returns whether approval is required.
   */
  private boolean approval(Map<String, Node> keys, String where) {
    Node node = keys.get("approval");
    if (node == null) {
      return false;
    }
    if (!(node instanceof MappingNode)) {
      oneOf(keys, "approval", where, List.of("required", "none"));
      return "required".equals(text(node));
    }
    Map<String, Node> approval = mapping(node, "'approval' in " + where, APPROVAL_KEYS);
    if (approval == null) {
      return false;
    }
    bool(approval, "required", "'approval' in " + where);
    Node via = approval.get("via");
    if (via != null) {
      if (!(via instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
        problem(via, "'via' in 'approval' of " + where + " must be a list of approval sources ("
            + String.join(", ", EnvironmentConfig.APPROVAL_SOURCES) + "), not "
            + (via instanceof SequenceNode ? "an empty list" : kindOf(via)));
      } else {
        for (Node item : seq.getValue()) {
          if (!EnvironmentConfig.APPROVAL_SOURCES.contains(text(item))) {
            problem(item, "'via' in 'approval' of " + where + " names '" + text(item) + "', which is not an"
                + " approval source (" + String.join(", ", EnvironmentConfig.APPROVAL_SOURCES) + ")");
          }
        }
      }
    }
    return "true".equals(text(approval.get("required")));
  }

  private void targets(String env, Node node, Set<String> services) {
    String where = "environment '" + env + "'";
    if (!(node instanceof MappingNode mapping)) {
      problem(node, "'targets' in " + where + " must be a mapping of services (or \"*\") to targets, not "
          + kindOf(node));
      return;
    }
    if (mapping.getValue().isEmpty()) {
      problem(node, "'targets' in " + where + " is empty; add \"*\" or a service");
    }
    Set<String> seen = new HashSet<>();
    for (NodeTuple tuple : mapping.getValue()) {
      String service = keyText(tuple, "targets of " + where);
      if (service == null) {
        continue;
      }
      if (!seen.add(service)) {
        problem(tuple.getKeyNode(), "duplicate key '" + service + "' in targets of " + where);
        continue;
      }
      if (!service.equals("*") && !services.contains(service)) {
        List<String> known = new ArrayList<>(services);
        known.add("\"*\"");
        problem(tuple.getKeyNode(), "target '" + service + "' in " + where + " names no service"
            + " (known: " + String.join(", ", known) + ")");
        continue;
      }
      target("target '" + service + "' of " + where, tuple.getValueNode());
    }
  }

  private void target(String where, Node node) {
    if (!(node instanceof MappingNode)) {
      problem(node, where + " must be a mapping like {helm: path}, not " + kindOf(node));
      return;
    }
    Map<String, Node> keys = entriesChecked(node, where);
    List<String> kinds = keys.keySet().stream().filter(TARGET_KEYS::containsKey).toList();
    if (kinds.size() != 1) {
      String found = kinds.isEmpty() ? "none" : String.join(" and ", kinds);
      problem(node, where + " needs exactly one of helm, kustomize, yaml, marker (found " + found + ")");
      if (kinds.isEmpty()) {
        return;
      }
    }
    String kind = kinds.get(0);
    List<String> allowed = TARGET_KEYS.get(kind);
    for (Map.Entry<String, Node> e : keys.entrySet()) {
      if (!allowed.contains(e.getKey()) && !TARGET_KEYS.containsKey(e.getKey())) {
        problem(keyNodeOf(node, e.getKey()), "unknown key '" + e.getKey() + "' in " + where
            + " (known for " + kind + ": " + String.join(", ", allowed) + ")");
      }
    }
    repoPath(keys, kind, where);
    switch (kind) {
      case "helm" -> {
        repoPath(keys, "chart", where);
        String key = optionalText(keys, "key", where);
        if (key != null && (key.isEmpty() || key.startsWith(".") || key.endsWith(".") || key.contains(".."))) {
          problem(keys.get("key"), "'key' in " + where + " must be a key or dotted path like image or app.image");
        }
        bool(keys, "allOf", where);
        if (key != null && keys.containsKey("allOf") && "true".equals(text(keys.get("allOf")))) {
          problem(keys.get("allOf"), "'allOf: true' in " + where + " sets every key holding the service's image;"
              + " it cannot go with 'key: " + key + "': give one");
        }
      }
      case "kustomize" -> optionalText(keys, "name", where);
      case "yaml" -> requiredText(node, keys, "path", where);
      default -> { }
    }
  }

  /** A path inside the environment repository: relative, no '..', only known placeholders. */
  private void repoPath(Map<String, Node> keys, String key, String where) {
    Node node = keys.get(key);
    if (node == null) {
      return;
    }
    String path = text(node);
    if (path == null || !(node instanceof ScalarNode) || path.isBlank()) {
      problem(node, "'" + key + "' in " + where + " must be a path, not " + kindOf(node));
      return;
    }
    String normal = path.replace('\\', '/');
    boolean up = List.of(normal.split("/")).contains("..");
    if (normal.startsWith("/") || normal.matches("[A-Za-z]:.*") || up) {
      problem(node, "'" + key + "' in " + where + " must be a path relative to the repository root without"
          + " '..', not '" + path + "'");
    }
    Matcher m = PLACEHOLDER.matcher(path);
    while (m.find()) {
      if (!m.group().equals("{env}") && !m.group().equals("{service}")) {
        problem(node, "unknown placeholder '" + m.group() + "' in '" + key + "' of " + where
            + " (known: {env}, {service})");
      }
    }
  }

  private void gates(String where, Node node) {
    if (!(node instanceof SequenceNode seq)) {
      problem(node, "'gates' in " + where + " must be a list, not " + kindOf(node));
      return;
    }
    for (Node gate : seq.getValue()) {
      if (!(gate instanceof MappingNode mapping) || mapping.getValue().size() != 1) {
        problem(gate, "each gate in " + where + " must be a mapping with one key, the gate kind"
            + " (" + String.join(", ", GATE_KINDS) + "), like - http: {url: ...}");
        continue;
      }
      NodeTuple tuple = mapping.getValue().get(0);
      String kind = text(tuple.getKeyNode());
      if (!GATE_KINDS.contains(kind)) {
        problem(tuple.getKeyNode(), "unknown gate kind '" + kind + "' in " + where
            + " (known: " + String.join(", ", GATE_KINDS) + ")");
        continue;
      }
      Node settings = tuple.getValueNode();
      if (!(settings instanceof MappingNode)) {
        problem(settings, "gate " + kind + " in " + where + " must have a mapping of settings, not "
            + kindOf(settings));
        continue;
      }
      Set<String> seen = new HashSet<>();
      Map<String, Node> keys = new LinkedHashMap<>();
      boolean wellFormed = true;
      for (NodeTuple setting : ((MappingNode) settings).getValue()) {
        String key = keyText(setting, "gate " + kind + " in " + where);
        if (key == null) {
          wellFormed = false;
        } else if (!seen.add(key)) {
          problem(setting.getKeyNode(), "duplicate key '" + key + "' in gate " + kind + " in " + where);
          wellFormed = false;
        } else if (isNull(setting.getValueNode())) {
          problem(setting.getKeyNode(), "'" + key + "' in gate " + kind + " in " + where + " has no value");
          wellFormed = false;
        } else {
          keys.put(key, setting.getKeyNode());
        }
      }
      if (wellFormed) {
        // the kind's own checks, at load time: plan and promote refuse a misspelled setting as verify does
        @SuppressWarnings("unchecked")
        Map<String, Object> values = (Map<String, Object>) NodeReader.plain(settings);
        for (GateCatalogue.Problem p : GateCatalogue.problems(kind, values)) {
          problem(p.setting() != null && keys.containsKey(p.setting()) ? keys.get(p.setting()) : tuple.getKeyNode(),
              p.message() + " in " + where);
        }
      }
    }
  }

  // ---- small checks, each adding at most one problem

  /** The keys of a mapping, reporting non-mappings, unknown keys and duplicates; null when not a mapping. */
  private Map<String, Node> mapping(Node node, String where, List<String> known) {
    if (!(node instanceof MappingNode)) {
      problem(node, where + " must be a mapping, not " + kindOf(node));
      return null;
    }
    Map<String, Node> keys = entriesChecked(node, where);
    for (String key : keys.keySet()) {
      if (!known.contains(key)) {
        String in = where.equals("the top level") ? " at " : " in ";
        problem(keyNodeOf(node, key), "unknown key '" + key + "'" + in + where + " (known: "
            + String.join(", ", known) + ")");
      }
    }
    return keys;
  }

  private Map<String, Node> entriesChecked(Node node, String where) {
    Map<String, Node> keys = new LinkedHashMap<>();
    for (NodeTuple tuple : ((MappingNode) node).getValue()) {
      String key = keyText(tuple, where);
      if (key == null) {
        continue;
      }
      if (keys.containsKey(key)) {
        problem(tuple.getKeyNode(), "duplicate key '" + key + "' in " + where);
      } else {
        keys.put(key, tuple.getValueNode());
      }
    }
    return keys;
  }

  /**
   * The key node of {@code key}: the mapping's entries are indexed once, so reporting every unknown
   * key of a mapping of n keys costs O(n), not O(n^2) (40,000 unknown keys took 96 s before).
   */
  private Node keyNodeOf(Node mapping, String key) {
    return entriesByMapping.computeIfAbsent(mapping, NodeReader::entries).get(key).getKeyNode();
  }

  private String keyText(NodeTuple tuple, String where) {
    Node key = tuple.getKeyNode();
    if (!(key instanceof ScalarNode scalar) || key.getTag().equals(Tag.NULL)) {
      problem(key, "keys in " + where + " must be names, not " + kindOf(key));
      return null;
    }
    if (key.getTag().equals(Tag.MERGE)) {
      problem(key, "merge keys (<<) are not supported in " + where + "; write the settings out");
      return null;
    }
    return scalar.getValue();
  }

  private String requiredText(Node parent, Map<String, Node> keys, String key, String where) {
    if (!keys.containsKey(key)) {
      problem(parent, "missing key '" + key + "' in " + where);
      return null;
    }
    return optionalText(keys, key, where);
  }

  private String optionalText(Map<String, Node> keys, String key, String where) {
    Node node = keys.get(key);
    if (node == null) {
      return null;
    }
    String value = text(node);
    if (!(node instanceof ScalarNode) || value == null || value.isEmpty()) {
      problem(node, "'" + key + "' in " + where + " must be text, not " + kindOf(node));
      return null;
    }
    return value;
  }

  private void envVar(Map<String, Node> keys, String key, String where) {
    Node node = keys.get(key);
    String value = node == null ? null : text(node);
    if (node != null && (value == null || !(node instanceof ScalarNode) || !ENV_VAR.matcher(value).matches())) {
      // never echo the value: people paste the secret itself here
      problem(node, "'" + key + "' in " + where + " must be the name of an environment variable"
          + " (letters, digits and '_'), not the secret itself");
    }
  }

  private void bool(Map<String, Node> keys, String key, String where) {
    Node node = keys.get(key);
    if (node != null && !node.getTag().equals(Tag.BOOL)) {
      problem(node, "'" + key + "' in " + where + " must be true or false, not " + kindOf(node));
    }
  }

  private void duration(Map<String, Node> keys, String key, String where) {
    Node node = keys.get(key);
    if (node != null && Durations.parse(text(node)).isEmpty()) {
      problem(node, "'" + key + "' in " + where + " must be a duration like " + Durations.EXAMPLES
          + ", not " + kindOf(node));
    }
  }

  private void oneOf(Map<String, Node> keys, String key, String where, List<String> allowed) {
    Node node = keys.get(key);
    if (node != null && !allowed.contains(text(node))) {
      problem(node, "'" + key + "' in " + where + " must be one of " + String.join(", ", allowed) + ", not "
          + kindOf(node));
    }
  }

  private static String known(java.util.Collection<String> names) {
    return names.isEmpty() ? "" : " (known: " + String.join(", ", names) + ")";
  }

  private void metrics(Node node) {
    Map<String, Node> keys = mapping(node, "metrics", METRICS_KEYS);
    if (keys == null) {
      return;
    }
    duration(keys, "since", "metrics");
    Node targets = keys.get("targets");
    if (targets == null) {
      return;
    }
    Map<String, Node> t = mapping(targets, "metrics.targets", METRICS_TARGET_KEYS);
    if (t == null) {
      return;
    }
    duration(t, "timeToRestore", "metrics.targets");
    duration(t, "leadTime", "metrics.targets");
    for (String key : List.of("changeFailureRate", "deploymentsPerDay")) {
      Node value = t.get(key);
      if (value != null && MetricsConfig.ratio(String.valueOf(text(value))).isEmpty()) {
        problem(value, "'" + key + "' in metrics.targets must be a number or a percentage like 0.5%, not "
            + kindOf(value));
      }
    }
  }

  private void notifications(Node node, Set<String> environments) {
    if (!(node instanceof SequenceNode seq)) {
      problem(node, "'notifications' must be a list, not " + kindOf(node));
      return;
    }
    for (Node item : seq.getValue()) {
      String kinds = String.join(", ", NotificationConfig.KINDS);
      if (!(item instanceof MappingNode)) {
        problem(item, "each notification must be a mapping with one of " + kinds + ", like - slack: {webhookEnv: SLACK_WEBHOOK_URL}");
        continue;
      }
      Map<String, Node> keys = entriesChecked(item, "notifications");
      List<String> named = keys.keySet().stream().filter(NotificationConfig.KINDS::contains).toList();
      for (String key : keys.keySet()) {
        if (!NotificationConfig.KINDS.contains(key) && !key.equals("on") && !key.equals("environments")) {
          problem(keyNodeOf(item, key), "unknown key '" + key + "' in a notification (known: " + kinds + ", on, environments)");
        }
      }
      if (named.size() != 1) {
        problem(item, "a notification names exactly one of " + kinds + (named.isEmpty() ? "" : ", not " + String.join(" and ", named)));
        continue;
      }
      String kind = named.get(0);
      String where = "notification " + kind;
      Map<String, Node> settings = mapping(keys.get(kind), where, NOTIFICATION_KEYS.get(kind));
      if (settings != null) {
        switch (kind) {
          case "slack", "teams" -> {
            requiredText(keys.get(kind), settings, "webhookEnv", where);
            envVar(settings, "webhookEnv", where);
          }
          case "webhook" -> {
            requiredText(keys.get(kind), settings, "urlEnv", where);
            envVar(settings, "urlEnv", where);
            envVar(settings, "secretEnv", where);
          }
          default -> {
            String url = requiredText(keys.get(kind), settings, "url", where);
            if (url != null && !url.matches("https?://[^\\s/@]+(/\\S*)?")) {
              problem(settings.get("url"), "'url' in " + where + " must be the http(s) address of Grafana, without credentials");
            }
            requiredText(keys.get(kind), settings, "tokenEnv", where);
            envVar(settings, "tokenEnv", where);
            optionalText(settings, "dashboardUid", where);
          }
        }
      }
      names(keys.get("on"), "'on' in " + where, NotificationConfig.EVENTS);
      names(keys.get("environments"), "'environments' in " + where, environments);
    }
  }

  /** A list whose items must each be one of {@code known}. */
  private void names(Node node, String where, java.util.Collection<String> known) {
    if (node == null) {
      return;
    }
    if (!(node instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
      problem(node, where + " must be a list of " + String.join(", ", known) + ", not " + kindOf(node));
      return;
    }
    for (Node item : seq.getValue()) {
      String value = text(item);
      if (value == null || !known.contains(value)) {
        problem(item, "unknown " + kindOf(item) + " in " + where + " (known: " + String.join(", ", known) + ")");
      }
    }
  }

  private static Set<String> namesOf(Node environments) {
    Set<String> out = new java.util.LinkedHashSet<>();
    if (environments instanceof MappingNode m) {
      m.getValue().forEach(t -> out.add(text(t.getKeyNode())));
    }
    return out;
  }

  private void problem(Node node, String message) {
    problems.add(new ConfigProblem(reader.at(node), message));
  }
}
