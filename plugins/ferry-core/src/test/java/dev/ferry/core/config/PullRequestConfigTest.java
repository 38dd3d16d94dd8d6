package dev.ferry.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code repos.<name>.pullRequests}: defaults filled in, every mistake reported at its line, the schema agreeing. */
class PullRequestConfigTest {

  static String config(String pullRequests) {
    return """
        apiVersion: ferry/v1
        repos:
          env:
            url: https://github.com/acme/env.git
            pullRequests:
        %s
        services:
          web: {image: registry.example.com/shop/web}
        environments:
          prod:
            repo: env
            mode: pull-request
            targets:
              "*": {helm: "envs/{env}/{service}/values.yaml"}
        """.formatted(pullRequests.indent(6).stripTrailing());
  }

  @Test
  void fillsTheProvidersDefaultsAndDerivesTheRepositoryFromTheUrl() {
    FerryConfig c = ConfigLoader.parse("ferry.yaml", config("provider: github\ntokenEnv: GITHUB_TOKEN"), Path.of("/work"));
    PullRequestConfig prs = c.repos().get("env").pullRequests().orElseThrow();
    assertThat(prs.provider()).isEqualTo(PullRequestConfig.Provider.GITHUB);
    assertThat(prs.api()).isEqualTo("https://api.github.com");
    assertThat(prs.repository()).isEqualTo("acme/env");
    assertThat(prs.mergeMethod()).isEqualTo(PullRequestConfig.MergeMethod.SQUASH);
    assertThat(prs.autoMerge()).isFalse();
    assertThat(prs.labels()).isEmpty();
    assertThat(prs.location().line()).isEqualTo(6);
  }

  @Test
  void readsAGitHubAppAndEverySetting() {
    FerryConfig c = ConfigLoader.parse("ferry.yaml", config("""
        provider: github
        api: https://github.example.com/api/v3/
        app: {id: 12345, installationId: 678, privateKeyFile: keys/app.pem}
        autoMerge: true
        mergeMethod: merge
        labels: [promotion, prod]
        reviewers: [alice]"""), Path.of("/work"));
    PullRequestConfig prs = c.repos().get("env").pullRequests().orElseThrow();
    assertThat(prs.api()).isEqualTo("https://github.example.com/api/v3");
    assertThat(prs.app()).isEqualTo(new PullRequestConfig.GitHubApp("12345", "678", Path.of("/work/keys/app.pem")));
    assertThat(prs.tokenEnv()).isNull();
    assertThat(prs.autoMerge()).isTrue();
    assertThat(prs.mergeMethod()).isEqualTo(PullRequestConfig.MergeMethod.MERGE);
    assertThat(prs.labels()).containsExactly("promotion", "prod");
    assertThat(prs.reviewers()).containsExactly("alice");
  }

  @Test
  void derivesRepositoriesFromEachForgesCloneUrls() {
    assertThat(ConfigBuilder.repositoryOf("git@gitlab.com:group/sub/env.git")).isEqualTo("group/sub/env");
    assertThat(ConfigBuilder.repositoryOf("https://bitbucket.example.com/scm/ACME/env.git")).isEqualTo("ACME/env");
    assertThat(ConfigBuilder.repositoryOf("https://dev.azure.com/acme/shop/_git/env")).isEqualTo("acme/shop/env");
  }

  static Stream<Arguments> mistakes() {
    return Stream.of(
        Arguments.of("unknown provider", "provider: gogs\ntokenEnv: T",
            List.of("ferry.yaml:6:17: 'provider' in pullRequests of repo 'env' must be one of github, gitlab,"
                + " bitbucket, bitbucket-server, azure-devops, gitea, forgejo, not 'gogs'")),
        Arguments.of("no credential", "provider: gitlab",
            List.of("ferry.yaml:6:7: pullRequests of repo 'env' needs exactly one of tokenEnv (the variable holding"
                + " the API token) or app (a GitHub App: {id, installationId, privateKeyFile})")),
        Arguments.of("token pasted in", "provider: github\ntokenEnv: ghp_abc-123",
            List.of("ferry.yaml:7:17: 'tokenEnv' in pullRequests of repo 'env' must be the name of an environment"
                + " variable (letters, digits and '_'), not the secret itself")),
        Arguments.of("self-hosted without api", "provider: gitea\ntokenEnv: T",
            List.of("ferry.yaml:6:7: missing key 'api' in pullRequests of repo 'env': gitea is self-hosted; write its"
                + " API root (e.g. https://gitea.example.com/api/v1)")),
        Arguments.of("plain http api", "provider: gitlab\napi: http://gitlab.example.com/api/v4\ntokenEnv: T",
            List.of("ferry.yaml:7:12: 'api' in pullRequests of repo 'env' must be an https URL (plain http only on"
                + " this machine's loopback), not 'http://gitlab.example.com/api/v4'")),
        Arguments.of("app on gitlab, bad method, labels not a list",
            "provider: gitlab\napp: {id: 1, installationId: 2, privateKeyFile: k.pem}\nmergeMethod: ff\nlabels: prod",
            List.of("ferry.yaml:7:12: 'app' in pullRequests of repo 'env' is for GitHub only; use tokenEnv for gitlab",
                "ferry.yaml:8:20: 'mergeMethod' in pullRequests of repo 'env' must be one of squash, rebase, merge,"
                    + " not 'ff'",
                "ferry.yaml:9:15: 'labels' in pullRequests of repo 'env' must be a list of names, not 'prod'")),
        Arguments.of("unknown key", "provider: github\ntokenEnv: T\nautomerge: true",
            List.of("ferry.yaml:8:7: unknown key 'automerge' in pullRequests of repo 'env' (known: provider, api,"
                + " repository, tokenEnv, app, autoMerge, mergeMethod, labels, reviewers)")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mistakes")
  void reportsEachMistakeAtItsLineAndTheSchemaRefusesItToo(String name, String pullRequests, List<String> expected)
      throws Exception {
    String text = config(pullRequests);
    assertThat(ConfigLoader.problems("ferry.yaml", text)).map(ConfigProblem::toString).containsExactlyElementsOf(expected);
    assertThat(ConfigSchemaTest.validate(text)).isNotEmpty();
  }

  @Test
  void rollbackTakesAModeAndKeepsTheScalarForm() throws Exception {
    String mapping = config("provider: github\ntokenEnv: T").replace("    mode: pull-request\n",
        "    mode: pull-request\n    rollback: {auto: true, mode: pull-request}\n");
    EnvironmentConfig prod = ConfigLoader.parse("ferry.yaml", mapping, Path.of("/work")).environment("prod");
    assertThat(prod.rollback()).isEqualTo(RollbackMode.AUTO);
    assertThat(prod.rollbackMode()).isEqualTo(PromotionMode.PULL_REQUEST);
    assertThat(ConfigSchemaTest.validate(mapping)).isEmpty();

    String scalar = mapping.replace("rollback: {auto: true, mode: pull-request}", "rollback: auto");
    EnvironmentConfig plain = ConfigLoader.parse("ferry.yaml", scalar, Path.of("/work")).environment("prod");
    assertThat(plain.rollback()).isEqualTo(RollbackMode.AUTO);
    assertThat(plain.rollbackMode()).isEqualTo(PromotionMode.DIRECT);

    String wrong = mapping.replace("rollback: {auto: true, mode: pull-request}", "rollback: {auto: yes, mode: pr}");
    assertThat(ConfigLoader.problems("ferry.yaml", wrong)).map(ConfigProblem::toString).containsExactly(
        "ferry.yaml:14:22: 'auto' in rollback of environment 'prod' must be true or false, not 'yes'",
        "ferry.yaml:14:33: 'mode' in rollback of environment 'prod' must be one of direct, pull-request, not 'pr'");
    assertThat(ConfigSchemaTest.validate(wrong)).isNotEmpty();
  }

  @Test
  void theSchemaAcceptsWhatTheLoaderAccepts() throws Exception {
    String text = config("provider: gitea\napi: https://gitea.example.com/api/v1\ntokenEnv: GITEA_TOKEN\n"
        + "autoMerge: true\nmergeMethod: rebase\nlabels: [promotion]");
    assertThat(ConfigLoader.problems("ferry.yaml", text)).isEmpty();
    assertThat(ConfigSchemaTest.validate(text)).isEmpty();
  }
}
