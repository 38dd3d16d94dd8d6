package dev.ferry.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.InputException;
import dev.ferry.core.image.ImageRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {

  static final Path BASE = Path.of("/work/project");

  /** A valid file; cases below change one line of it. */
  static final String VALID = """
      apiVersion: ferry/v1
      repos:
        env:
          url: https://git.example.com/platform/env.git
      services:
        web: {image: registry.example.com/shop/web}
        api: {image: registry.example.com/shop/api}
      environments:
        dev:
          repo: env
          targets:
            "*": {helm: "envs/{env}/{service}/values.yaml"}
        staging:
          repo: env
          after: dev
      """;

  @Test
  void operatorsNameWhoMayActThroughTheDashboard() {
    FerryConfig config = parse(replace("after: dev", "after: dev\n    operators: [alice, bob]"));
    assertThat(config.environment("staging").operators()).containsExactly("alice", "bob");
    assertThat(config.environment("staging").mayOperate("bob")).isTrue();
    assertThat(config.environment("staging").mayOperate("mallory")).isFalse();
    assertThat(config.environment("dev").mayOperate("mallory")).isTrue();
  }

  static FerryConfig parse(String text) {
    return ConfigLoader.parse("ferry.yaml", text, BASE);
  }

  static String replace(String from, String to) {
    assertThat(VALID).contains(from);
    return VALID.replace(from, to);
  }

  static Stream<Arguments> invalidConfigs() {
    return Stream.of(
        Arguments.of("wrong apiVersion", replace("ferry/v1", "ferry/v2"),
            List.of("ferry.yaml:1:13: apiVersion must be ferry/v1, not 'ferry/v2'")),
        Arguments.of("unknown environment key lists the known ones", replace("    targets:", "    tagets:"),
            List.of("ferry.yaml:10:5: missing key 'targets' in environment 'dev' (only an environment with 'after' inherits them)",
                "ferry.yaml:11:5: unknown key 'tagets' in environment 'dev' (known: repo, targets, render, after,"
                    + " soak, gates, gateTimeout, rollback, approval, approvers, mode, operators)")),
        Arguments.of("unknown repo", replace("    repo: env\n    targets", "    repo: envs\n    targets"),
            List.of("ferry.yaml:10:11: 'repo' in environment 'dev' names 'envs', which is not under repos (known: env)")),
        Arguments.of("after names a later environment", VALID.replace("    repo: env\n    targets",
                "    repo: env\n    after: staging\n    targets"),
            List.of("ferry.yaml:11:12: 'after' in environment 'dev' names 'staging', which is written after it;"
                + " list environments in promotion order")),
        Arguments.of("after names itself", replace("after: dev", "after: staging"),
            List.of("ferry.yaml:15:12: 'after' in environment 'staging' names the environment itself")),
        Arguments.of("after names nothing", replace("after: dev", "after: qa"),
            List.of("ferry.yaml:15:12: 'after' in environment 'staging' names 'qa', which is not an environment"
                + " (known: dev, staging)")),
        Arguments.of("target names an unknown service", replace("\"*\": {helm", "wbe: {helm"),
            List.of("ferry.yaml:12:7: target 'wbe' in environment 'dev' names no service (known: web, api, \"*\")")),
        Arguments.of("two target kinds", replace("{helm: \"envs/{env}/{service}/values.yaml\"}",
                "{helm: a/values.yaml, kustomize: a}"),
            List.of("ferry.yaml:12:12: target '*' of environment 'dev' needs exactly one of helm, kustomize, yaml,"
                + " marker (found helm and kustomize)")),
        Arguments.of("no target kind", replace("{helm: \"envs/{env}/{service}/values.yaml\"}", "{chart: a}"),
            List.of("ferry.yaml:12:12: target '*' of environment 'dev' needs exactly one of helm, kustomize, yaml,"
                + " marker (found none)")),
        Arguments.of("key of another target kind", replace("{helm: \"envs/{env}/{service}/values.yaml\"}",
                "{kustomize: envs/dev, key: image}"),
            List.of("ferry.yaml:12:34: unknown key 'key' in target '*' of environment 'dev' (known for kustomize:"
                + " kustomize, name)")),
        Arguments.of("yaml target without path", replace("{helm: \"envs/{env}/{service}/values.yaml\"}",
                "{yaml: a.yaml}"),
            List.of("ferry.yaml:12:12: missing key 'path' in target '*' of environment 'dev'")),
        Arguments.of("absolute path", replace("\"envs/{env}/{service}/values.yaml\"", "/etc/values.yaml"),
            List.of("ferry.yaml:12:19: 'helm' in target '*' of environment 'dev' must be a path relative to the"
                + " repository root without '..', not '/etc/values.yaml'")),
        Arguments.of("path climbing out", replace("\"envs/{env}/{service}/values.yaml\"", "envs/../../x.yaml"),
            List.of("ferry.yaml:12:19: 'helm' in target '*' of environment 'dev' must be a path relative to the"
                + " repository root without '..', not 'envs/../../x.yaml'")),
        Arguments.of("unknown placeholder", replace("{service}/values", "{svc}/values"),
            List.of("ferry.yaml:12:19: unknown placeholder '{svc}' in 'helm' of target '*' of environment 'dev'"
                + " (known: {env}, {service})")),
        Arguments.of("bad durations", replace("after: dev", "after: dev\n    soak: 10 min\n    gateTimeout: 1 day"),
            List.of("ferry.yaml:16:11: 'soak' in environment 'staging' must be a duration like 30s, 10m, 1h or"
                    + " 1h30m, not '10 min'",
                "ferry.yaml:17:18: 'gateTimeout' in environment 'staging' must be a duration like 30s, 10m, 1h or"
                    + " 1h30m, not '1 day'")),
        Arguments.of("image with a tag", replace("shop/web}", "shop/web:1.0}"),
            List.of("ferry.yaml:6:16: image of service 'web' must name a repository without tag or digest"
                + " (write registry.example.com/shop/web; the tag comes with each promotion)")),
        Arguments.of("image that is not a reference", replace("registry.example.com/shop/web", "Shop/Web"),
            List.of("ferry.yaml:6:16: image of service 'web': invalid image reference 'Shop/Web': the repository"
                + " 'Web' must be lower-case path components of letters and digits separated by '/', '.', '_'"
                + " or '-'")),
        Arguments.of("unknown gate kind and enum values", replace("after: dev",
                "after: dev\n    gates:\n      - argo: {app: x}\n    rollback: always\n    mode: pr"),
            List.of("ferry.yaml:17:9: unknown gate kind 'argo' in environment 'staging' (known: argocd, rollout,"
                    + " deployment, prometheus, http)",
                "ferry.yaml:18:15: 'rollback' in environment 'staging' must be one of manual, auto, not 'always'",
                "ferry.yaml:19:11: 'mode' in environment 'staging' must be one of direct, pull-request, not 'pr'")),
        Arguments.of("a misspelled gate setting is refused at load time, at its line", replace("after: dev",
                "after: dev\n    gates:\n      - argocd:\n          srver: https://argocd.example.com\n"
                    + "          app: shop\n          tokenEnv: ARGOCD_TOKEN"),
            List.of("ferry.yaml:18:11: gate argocd: unknown setting 'srver' (known: server, app, apps, selector, tokenEnv,"
                    + " appNamespace, insecure, sync, refresh, namespace, acceptSuspended, healthOnly, resources, kubeconfig,"
                    + " context, onError) in environment 'staging'",
                "ferry.yaml:20:11: gate argocd: 'tokenEnv' cannot be used without 'server' (reading the Application"
                    + " resource) in environment 'staging'")),
        Arguments.of("gate setting types and rules of the kind", replace("after: dev",
                "after: dev\n    gates:\n      - rollout: {namespace: shop, inconclusive: maybe}\n"
                    + "      - http: {url: 'ftp://x', successes: 0}"),
            List.of("ferry.yaml:17:9: gate rollout: missing setting 'name' in environment 'staging'",
                "ferry.yaml:17:36: gate rollout: 'inconclusive' must be one of fail, wait, not 'maybe' in environment 'staging'",
                "ferry.yaml:18:16: gate http: 'url' must be an http or https URL, not 'ftp://x' in environment 'staging'",
                "ferry.yaml:18:32: gate http: 'successes' must be at least 1 in environment 'staging'")),
        Arguments.of("render must be a boolean", replace("    targets:", "    render: yes\n    targets:"),
            List.of("ferry.yaml:11:13: 'render' in environment 'dev' must be true or false, not 'yes'")),
        Arguments.of("secret pasted as a variable name is not echoed", replace("env.git",
                "env.git\n    auth: {passwordEnv: ghp_s3cr3t-t0ken}"),
            List.of("ferry.yaml:5:11: auth of repo 'env' needs both usernameEnv and passwordEnv (for a token, the user"
                + " name your git server expects with it, e.g. x-access-token or oauth2)",
                "ferry.yaml:5:25: 'passwordEnv' in auth of repo 'env' must be the name of an environment"
                + " variable (letters, digits and '_'), not the secret itself")),
        Arguments.of("password in the url is not echoed", replace("https://git.example.com",
                "https://bob:hunter2@git.example.com"),
            List.of("ferry.yaml:4:10: url of repo 'env' carries credentials; move them to environment variables"
                + " named by auth.usernameEnv and auth.passwordEnv")),
        Arguments.of("a token as the user name is not echoed either", replace("https://git.example.com",
                "https://ghp_t0ken@git.example.com"),
            List.of("ferry.yaml:4:10: url of repo 'env' carries credentials; move them to environment variables"
                + " named by auth.usernameEnv and auth.passwordEnv")),
        Arguments.of("password without user name", replace("env.git", "env.git\n    auth: {passwordEnv: GIT_TOKEN}"),
            List.of("ferry.yaml:5:11: auth of repo 'env' needs both usernameEnv and passwordEnv (for a token, the user"
                + " name your git server expects with it, e.g. x-access-token or oauth2)")),
        Arguments.of("mixed auth", replace("env.git", "env.git\n    auth: {usernameEnv: U, sshKeyFile: id}"),
            List.of("ferry.yaml:5:11: auth of repo 'env' mixes password and ssh settings; use"
                + " usernameEnv/passwordEnv for http(s) or sshKeyFile/knownHostsFile for ssh")),
        Arguments.of("operators not a list", replace("after: dev", "after: dev\n    operators: alice"),
            List.of("ferry.yaml:16:16: 'operators' in environment 'staging' must be a list of names, not 'alice'")),
        Arguments.of("operators holding a mapping", replace("after: dev", "after: dev\n    operators: [{name: alice}]"),
            List.of("ferry.yaml:16:17: 'operators' in environment 'staging' must be a list of names, not hold a mapping")),
        Arguments.of("approvers without approval", replace("after: dev", "after: dev\n    approvers: [alice]"),
            List.of("ferry.yaml:16:16: 'approvers' in environment 'staging' needs 'approval: required'")),
        Arguments.of("duplicate service", replace("  api: {image", "  web: {image"),
            List.of("ferry.yaml:7:3: duplicate key 'web' in services")),
        Arguments.of("missing sections", "apiVersion: ferry/v1\n",
            List.of("ferry.yaml:1:1: missing key 'repos' at the top level",
                "ferry.yaml:1:1: missing key 'services' at the top level",
                "ferry.yaml:1:1: missing key 'environments' at the top level")),
        Arguments.of("environment without targets or after", replace("    after: dev\n", ""),
            List.of("ferry.yaml:14:5: missing key 'targets' in environment 'staging' (only an environment with"
                + " 'after' inherits them)")),
        Arguments.of("registry host and credentials", replace("services:",
                "registries:\n  \"http://r\": {insecure: maybe, usernameEnv: U}\nservices:"),
            List.of("ferry.yaml:6:3: registry 'http://r' must be a host or host:port as image references name it"
                    + " (e.g. registry.example.com or 127.0.0.1:5000)",
                "ferry.yaml:6:15: registry 'http://r' needs both usernameEnv and passwordEnv, or neither",
                "ferry.yaml:6:26: 'insecure' in registry 'http://r' must be true or false, not 'maybe'")),
        Arguments.of("unknown top-level key", "apiVersion: ferry/v1\nrepo: {}\n" + VALID.substring(21),
            List.of("ferry.yaml:2:1: unknown key 'repo' at the top level (known: apiVersion, repos, registries,"
                + " services, environments, git, metrics, notifications)")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidConfigs")
  void reportsEveryProblemWithItsLocation(String name, String text, List<String> expected) {
    assertThat(ConfigLoader.problems("ferry.yaml", text)).map(ConfigProblem::toString)
        .containsExactlyElementsOf(expected);
    assertThatThrownBy(() -> parse(text))
        .isInstanceOfSatisfying(InputException.class, e -> {
          assertThat(e.describe()).isEqualTo(String.join("\n", expected));
          assertThat(e.location()).map(Object::toString).contains(expected.get(0).split(": ")[0]);
          assertThat(e.exitCode()).isEqualTo(2);
        });
  }

  @Test
  void secretsNeverAppearInMessages() {
    String text = replace("https://git.example.com", "https://bob:hunter2@git.example.com")
        .replace("env.git", "env.git\n    auth: {passwordEnv: ghp_s3cr3t}");
    assertThatThrownBy(() -> parse(text)).satisfies(e ->
        assertThat(e.getMessage()).doesNotContain("hunter2").doesNotContain("ghp_s3cr3t"));
  }

  @Test
  void reportsYamlSyntaxErrorsWithTheirLocation() {
    assertThatThrownBy(() -> parse("apiVersion: ferry/v1\nrepos: {env: [\n"))
        .isInstanceOfSatisfying(InputException.class, e -> {
          assertThat(e.getMessage()).startsWith("not valid YAML: ");
          assertThat(e.location()).isPresent();
          assertThat(e.location().get().line()).isEqualTo(3);
        });
  }

  @Test
  void refusesAnEmptyFile() {
    assertThatThrownBy(() -> parse("# nothing\n")).isInstanceOf(InputException.class)
        .hasMessage("ferry.yaml is empty");
  }

  @Test
  void reportsAMissingFileWithAHint(@TempDir Path dir) {
    assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("ferry.yaml")))
        .isInstanceOfSatisfying(InputException.class, e -> {
          assertThat(e.getMessage()).endsWith("ferry.yaml does not exist");
          assertThat(e.suggestion()).contains("pass the configuration with -c PATH");
        });
  }

  @Test
  void fillsDefaults() {
    FerryConfig config = parse(VALID);
    RepoConfig repo = config.repos().get("env");
    assertThat(repo.branch()).isEqualTo("main");
    assertThat(repo.usernameEnv()).isNull();
    assertThat(repo.location().toString()).isEqualTo("ferry.yaml:3:3");
    EnvironmentConfig dev = config.environment("dev");
    assertThat(dev.render()).isFalse();
    assertThat(dev.after()).isEmpty();
    assertThat(dev.soak()).isZero();
    assertThat(dev.gateTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(dev.rollback()).isEqualTo(RollbackMode.MANUAL);
    assertThat(dev.mode()).isEqualTo(PromotionMode.DIRECT);
    assertThat(dev.approvalRequired()).isFalse();
    assertThat(dev.approvers()).isEmpty();
    assertThat(dev.gates()).isEmpty();
    assertThat(config.author()).isEqualTo(GitAuthor.DEFAULT);
    assertThat(config.registries()).isEmpty();
    assertThat(config.registry("ghcr.io")).isEqualTo(new RegistryConfig("ghcr.io", false, null, null));
  }

  @Test
  void booleansAreLowerCaseTrueOrFalseOnly() {
    assertThat(parse(replace("    targets:", "    render: true\n    targets:")).environment("dev").render()).isTrue();
    assertThat(parse(replace("    targets:", "    render: false\n    targets:")).environment("dev").render()).isFalse();
    assertThat(ConfigLoader.problems("ferry.yaml", replace("    targets:", "    render: True\n    targets:")))
        .map(ConfigProblem::toString)
        .containsExactly("ferry.yaml:11:13: 'render' in environment 'dev' must be true or false, not 'True'");
  }

  @Test
  void anEmptyRegistriesSectionIsAllowed() {
    assertThat(parse(replace("services:", "registries:\nservices:")).registries()).isEmpty();
  }

  @Test
  void environmentWithoutTargetsInheritsThoseOfItsPredecessorWithItsOwnName() {
    FerryConfig config = parse(VALID);
    assertThat(config.environment("staging").after()).contains("dev");
    assertThat(config.environment("staging").targetFor("web"))
        .isEqualTo(new HelmTarget("envs/staging/web/values.yaml", "image", "envs/staging/web"));
  }

  @Test
  void targetForPrefersTheServiceEntryAndSubstitutesPlaceholders() {
    FerryConfig config = parse(replace("\"*\": {helm: \"envs/{env}/{service}/values.yaml\"}",
        "\"*\": {helm: \"envs/{env}/{service}/values.yaml\", key: app.image, chart: \"charts/{service}\"}\n"
            + "      api: {kustomize: \"overlays/{env}\"}"));
    EnvironmentConfig dev = config.environment("dev");
    assertThat(dev.targetFor("web"))
        .isEqualTo(new HelmTarget("envs/dev/web/values.yaml", "app.image", "charts/web"));
    assertThat(dev.targetFor("api")).isEqualTo(new KustomizeTarget("overlays/dev", Optional.empty()));
    assertThat(config.target("dev", "api"))
        .isEqualTo(new KustomizeTarget("overlays/dev", Optional.of("registry.example.com/shop/api")));
  }

  @Test
  void targetForWithoutEntryNamesTheEnvironment() {
    FerryConfig config = parse(replace("\"*\": {helm", "api: {helm"));
    assertThatThrownBy(() -> config.environment("dev").targetFor("web"))
        .isInstanceOfSatisfying(InputException.class, e -> {
          assertThat(e.describe()).isEqualTo("ferry.yaml:9:3: environment 'dev' has no target for service 'web'"
              + " (targets: api)");
          assertThat(e.suggestion()).contains("add 'web' or '*' under environments.dev.targets");
        });
  }

  @Test
  void unknownServiceAndEnvironmentListTheKnownOnes() {
    FerryConfig config = parse(VALID);
    assertThatThrownBy(() -> config.service("db")).isInstanceOf(InputException.class)
        .hasMessage("unknown service 'db' (known: web, api)");
    assertThatThrownBy(() -> config.environment("prod")).isInstanceOfSatisfying(InputException.class, e -> {
      assertThat(e.getMessage()).isEqualTo("unknown environment 'prod' (known: dev, staging)");
      assertThat(e.describe()).startsWith("ferry.yaml: ");
    });
  }

  @Test
  void aLongListOfNamesIsCutToTheClosestToTheTypo() {
    List<String> services = IntStream.range(0, 1000).mapToObj(i -> String.format(Locale.ROOT, "svc-%04d", i)).toList();

    assertThat(Names.known("svc-01060", services)).isEqualTo("1,000 known; the closest: svc-0060, svc-0100, svc-0106");
    assertThat(Names.known("db", List.of("web", "api"))).isEqualTo("known: web, api");
    assertThat(Names.distance("kitten", "sitting")).isEqualTo(3);
    assertThat(Names.distance("", "web")).isEqualTo(3);
  }

  @Test
  void resolvesLocalRepositoryPathsAgainstTheFilesDirectory() {
    FerryConfig config = parse(replace("https://git.example.com/platform/env.git", "../env-repo"));
    assertThat(config.repos().get("env").url()).isEqualTo("/work/env-repo");
    FerryConfig scp = parse(replace("https://git.example.com/platform/env.git", "git@git.example.com:platform/env.git"));
    assertThat(scp.repos().get("env").url()).isEqualTo("git@git.example.com:platform/env.git");
  }

  @Test
  void readsTheFullExample() {
    FerryConfig config = ConfigLoader.load(examples().resolve("ferry.yaml"));
    assertThat(config.environmentOrder()).containsExactly("dev", "staging", "prod");
    assertThat(config.services().keySet()).containsExactly("web", "api", "db", "cron");
    assertThat(config.service("web").image()).isEqualTo(ImageRef.parse("registry.example.com/shop/web"));

    RepoConfig env = config.repos().get("env");
    assertThat(env).isEqualTo(new RepoConfig("env", "https://git.example.com/platform/env.git", "main",
        "GIT_USER", "GIT_TOKEN", null, null, env.location(), env.pullRequestsConfig()));
    assertThat(env.pullRequests()).hasValueSatisfying(prs -> {
      assertThat(prs.provider()).isEqualTo(PullRequestConfig.Provider.GITHUB);
      assertThat(prs.repository()).isEqualTo("platform/env");
      assertThat(prs.autoMerge()).isTrue();
    });
    assertThat(config.registries()).containsExactly(
        Map.entry("127.0.0.1:5000", new RegistryConfig("127.0.0.1:5000", true, "REG_USER", "REG_PASS")));

    EnvironmentConfig dev = config.environment("dev");
    assertThat(dev.render()).isTrue();
    assertThat(dev.targetFor("web")).isEqualTo(new HelmTarget("envs/dev/web/values.yaml", "image", "charts/app"));
    assertThat(dev.targetFor("api")).isEqualTo(new KustomizeTarget("envs/dev/api", Optional.empty()));
    assertThat(dev.targetFor("db"))
        .isEqualTo(new YamlTarget("envs/dev/db.yaml", "spec.template.spec.containers[0].image"));
    assertThat(dev.targetFor("cron")).isEqualTo(new MarkerTarget("envs/dev/cron.yaml"));

    EnvironmentConfig staging = config.environment("staging");
    assertThat(staging.after()).contains("dev");
    assertThat(staging.soak()).isEqualTo(Duration.ofMinutes(10));
    assertThat(staging.gateTimeout()).isEqualTo(Duration.ofMinutes(15));
    assertThat(staging.rollback()).isEqualTo(RollbackMode.AUTO);
    assertThat(staging.targetFor("cron")).isEqualTo(new MarkerTarget("envs/staging/cron.yaml"));
    assertThat(staging.gates()).extracting(GateConfig::kind).containsExactly("argocd", "prometheus");
    GateConfig prometheus = staging.gates().get(1);
    assertThat(prometheus.settings()).containsEntry("below", 0.01).containsEntry("for", "5m")
        .containsEntry("url", "http://prometheus:9090");
    assertThat(prometheus.location().line()).isEqualTo(44);
    assertThat(staging.gates().get(0).settings())
        .containsEntry("app", "shop-{env}").containsEntry("tokenEnv", "ARGOCD_TOKEN");

    EnvironmentConfig prod = config.environment("prod");
    assertThat(prod.approvalRequired()).isTrue();
    assertThat(prod.approvers()).containsExactly("alice", "bob");
    assertThat(prod.operators()).isEmpty();
    assertThat(prod.mayOperate("anyone")).isTrue();
    assertThat(prod.mode()).isEqualTo(PromotionMode.PULL_REQUEST);
    assertThat(config.target("prod", "api"))
        .isEqualTo(new KustomizeTarget("envs/prod/api", Optional.of("registry.example.com/shop/api")));
    assertThat(config.author()).isEqualTo(new GitAuthor("Ferry", "ferry@example.com"));
  }

  @Test
  void readsTheMinimalExample() {
    Path file = examples().resolve("minimal/ferry.yaml");
    FerryConfig config = ConfigLoader.load(file);
    assertThat(config.repos().get("env").url())
        .isEqualTo(file.toAbsolutePath().getParent().resolve("../env-repo").normalize().toString());
    assertThat(config.environment("dev").targetFor("web"))
        .isEqualTo(new HelmTarget("envs/dev/web/values.yaml", "image", "envs/dev/web"));
  }

  @Test
  void resolvesSshFilesAgainstTheFilesDirectory(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("ferry.yaml");
    Files.writeString(file, replace("https://git.example.com/platform/env.git",
        "ssh://git@127.0.0.1:2222/env.git\n    auth: {sshKeyFile: keys/id_ed25519, knownHostsFile: known_hosts}"));
    RepoConfig repo = ConfigLoader.load(file).repos().get("env");
    assertThat(repo.url()).isEqualTo("ssh://git@127.0.0.1:2222/env.git");
    assertThat(repo.sshKeyFile()).isEqualTo(dir.toAbsolutePath().resolve("keys/id_ed25519"));
    assertThat(repo.knownHostsFile()).isEqualTo(dir.toAbsolutePath().resolve("known_hosts"));
  }

  static Path examples() {
    // surefire runs in the module directory
    return Path.of("../../examples");
  }
}
