package dev.ferry.core.forge;

import dev.ferry.core.InputException;
import dev.ferry.core.config.PullRequestConfig;
import dev.ferry.core.git.ForgeCommits;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * Opens the {@link PullRequests} of a repository on the forge its {@code pullRequests} names.
 *
 * <pre>{@code PullRequests prs = Forges.open(repoConfig.pullRequests().orElseThrow(), context);}</pre>
 */
public final class Forges {

  private Forges() {
  }

  /** @throws InputException when the variable with the token is not set (exit 2, naming it) */
  public static PullRequests open(PullRequestConfig config, ForgeContext context) {
    ForgeHttp http = http(config, context);
    return switch (config.provider()) {
      case GITHUB -> new GitHubPullRequests(http, config.repository());
      case GITLAB -> new GitLabMergeRequests(http, config.repository());
      case GITEA -> new GiteaPullRequests(http, config.repository());
      case BITBUCKET -> new BitbucketCloudPullRequests(http, config.repository(), context);
      case BITBUCKET_SERVER -> new BitbucketServerPullRequests(http, config.repository(), context);
      case AZURE_DEVOPS -> new AzureDevOpsPullRequests(http, config.repository());
    };
  }

  /**
   * Branch commits created through the forge's API with the credentials of {@code config}
   * ({@code git.signing: {format: github}}). The token is read at the first commit, so that
   * commands that write nothing need none.
   *
   * @throws InputException when the forge cannot create signed commits (only GitHub can)
   */
  public static ForgeCommits commits(PullRequestConfig config, ForgeContext context) {
    if (config.provider() != PullRequestConfig.Provider.GITHUB) {
      throw new InputException("git.signing format github needs pullRequests with provider github, not "
          + config.provider().key(), config.location(), "use format ssh or openpgp for this repository", null);
    }
    return new ForgeCommits() {
      private GitHubCommits opened;

      @Override
      public java.util.Optional<String> create(Request request) {
        if (opened == null) {
          opened = new GitHubCommits(http(config, context), config.repository());
        }
        return opened.create(request);
      }

      @Override
      public String describe() {
        return "the GitHub API " + config.api() + " (" + config.repository() + ")";
      }
    };
  }

  private static ForgeHttp http(PullRequestConfig config, ForgeContext context) {
    Supplier<String> auth;
    if (config.app() != null) {
      GitHubAppToken app = new GitHubAppToken(config.app(), config.api(), context);
      auth = app::authorization;
    } else {
      String token = context.env().get(config.tokenEnv());
      if (token == null || token.isBlank()) {
        throw new InputException("the variable " + config.tokenEnv() + " is not set; it must hold the "
            + config.provider().key() + " API token for pull requests of " + config.repository(), config.location(),
            "set " + config.tokenEnv() + " in the CI job's credentials", null);
      }
      auth = () -> header(config.provider(), token);
    }
    return new ForgeHttp(new ForgeHttp.Setup(config.api(), config.credentialName(), auth, context));
  }

  private static String header(PullRequestConfig.Provider provider, String token) {
    return switch (provider) {
      case GITEA -> "token " + token;
      // a personal access token goes as the password of basic auth, with an empty user name
      case AZURE_DEVOPS -> "Basic " + java.util.Base64.getEncoder()
          .encodeToString((":" + token).getBytes(StandardCharsets.UTF_8));
      default -> "Bearer " + token;
    };
  }

  static String query(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
