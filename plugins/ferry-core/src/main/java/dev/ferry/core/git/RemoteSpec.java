package dev.ferry.core.git;

/**
 * Which environment repository and branch Ferry writes to, and how it authenticates.
 *
 * <pre>{@code new RemoteSpec("https://git.example.com/platform/env.git", "main",
 *     GitCredentials.fromEnv("GIT_USER", "GIT_TOKEN"))}</pre>
 *
 * @param url https, http, ssh, git:// URL, or a local path (plain or file://)
 * @param branch the environment branch, e.g. {@code main}
 * @param credentials how to authenticate; {@link GitCredentials#none()} when not needed
 */
public record RemoteSpec(String url, String branch, GitCredentials credentials) {

  public RemoteSpec {
    if (credentials == null) {
      credentials = GitCredentials.none();
    }
  }

  @Override
  public String toString() {
    return "RemoteSpec[" + RemoteUrl.display(url) + " " + branch + " " + credentials + "]";
  }
}
