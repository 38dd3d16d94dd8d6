package dev.ferry.core.config;

import dev.ferry.core.SourceLocation;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How pull requests of a repository are opened ({@code repos.<name>.pullRequests}). Secrets are
 * never held here, only the name of the variable with the token, or the path of a GitHub App key.
 *
 * <pre>{@code
 * PullRequestConfig prs = config.repos().get("env").pullRequests().orElseThrow();
 * prs.provider();   // GITHUB
 * prs.api();        // https://api.github.com, the provider's default filled in
 * }</pre>
 *
 * @param provider the forge
 * @param api the forge's API root, the provider's default filled in
 * @param repository the repository on the forge: {@code owner/name}, {@code group/sub/name} (GitLab),
 *     {@code workspace/name} (Bitbucket), {@code PROJECT/name} (Bitbucket Data Center) or
 *     {@code organization/project/name} (Azure DevOps); derived from the repository url when not written
 * @param tokenEnv the variable holding the API token, or null with {@code app}
 * @param app the GitHub App that authenticates, or null with {@code tokenEnv}
 * @param autoMerge ask the forge to merge as soon as its rules (reviews, checks) allow
 * @param mergeMethod how the forge merges
 * @param labels labels put on every pull request
 * @param reviewers reviewers asked on every pull request (forge user names)
 * @param location where {@code pullRequests} starts in {@code ferry.yaml}
 */
public record PullRequestConfig(Provider provider, String api, String repository, String tokenEnv, GitHubApp app,
    boolean autoMerge, MergeMethod mergeMethod, List<String> labels, List<String> reviewers, SourceLocation location) {

  public PullRequestConfig {
    labels = List.copyOf(labels);
    reviewers = List.copyOf(reviewers);
  }

  /** The forges Ferry opens pull requests on, by the name {@code provider:} takes. */
  public enum Provider {
    GITHUB("github", "https://api.github.com"),
    GITLAB("gitlab", "https://gitlab.com/api/v4"),
    BITBUCKET("bitbucket", "https://api.bitbucket.org/2.0"),
    BITBUCKET_SERVER("bitbucket-server", null),
    AZURE_DEVOPS("azure-devops", "https://dev.azure.com"),
    GITEA("gitea", null);

    private final String key;
    private final String defaultApi;

    Provider(String key, String defaultApi) {
      this.key = key;
      this.defaultApi = defaultApi;
    }

    public String key() {
      return key;
    }

    /** The API root of the hosted service, or empty for forges that are only self-hosted. */
    public Optional<String> defaultApi() {
      return Optional.ofNullable(defaultApi);
    }

    /** By {@code provider:} name; {@code forgejo} is Gitea's API. */
    public static Optional<Provider> of(String key) {
      if ("forgejo".equals(key)) {
        return Optional.of(GITEA);
      }
      for (Provider p : values()) {
        if (p.key.equals(key)) {
          return Optional.of(p);
        }
      }
      return Optional.empty();
    }

    public static List<String> keys() {
      List<String> keys = new java.util.ArrayList<>();
      for (Provider p : values()) {
        keys.add(p.key);
      }
      keys.add("forgejo");
      return keys;
    }
  }

  /** How the forge merges: one squash commit, the commits rebased, or a merge commit. */
  public enum MergeMethod {
    SQUASH, REBASE, MERGE;

    public String key() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * A GitHub App ({@code app: {id, installationId, privateKeyFile}}): Ferry signs a JWT with the
   * key and trades it for an installation token.
   */
  public record GitHubApp(String id, String installationId, Path privateKeyFile) {
  }

  /** The variable a wrong or missing credential is reported by: the token's, or the app key's file. */
  public String credentialName() {
    return tokenEnv != null ? tokenEnv : "app.privateKeyFile " + app.privateKeyFile();
  }
}
