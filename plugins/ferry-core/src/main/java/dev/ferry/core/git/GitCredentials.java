package dev.ferry.core.git;

import dev.ferry.core.InputException;
import java.nio.file.Path;

/**
 * How Ferry authenticates to an environment repository: nothing, a user name and a secret (https,
 * http), or an ssh key file checked against a known_hosts file. {@link #toString()} never shows the
 * secret.
 *
 * <pre>{@code
 * GitCredentials creds = GitCredentials.fromEnv("GIT_USER", "GIT_TOKEN"); // reads them now
 * GitCredentials ssh = GitCredentials.sshKey(Path.of("/ci/deploy_key"), null); // ~/.ssh/known_hosts
 * }</pre>
 *
 * @param user user name for http(s), or null
 * @param secret password or token for http(s), or null
 * @param keyFile private key for ssh, or null
 * @param knownHosts known_hosts file for ssh; null means {@code ~/.ssh/known_hosts}
 * @param source where the credentials came from, for error messages (e.g. the variable names)
 */
public record GitCredentials(String user, String secret, Path keyFile, Path knownHosts, String source) {

  public static GitCredentials none() {
    return new GitCredentials(null, null, null, null, "none");
  }

  public static GitCredentials userPassword(String user, String secret) {
    return new GitCredentials(user, secret, null, null, "user name and password");
  }

  public static GitCredentials sshKey(Path keyFile, Path knownHosts) {
    return new GitCredentials(null, null, keyFile, knownHosts, "ssh key " + keyFile);
  }

  /** Reads both variables now; fails naming the variable that is unset or empty. */
  public static GitCredentials fromEnv(String usernameEnv, String passwordEnv) {
    String user = System.getenv(usernameEnv);
    if (user == null || user.isEmpty()) {
      throw new InputException("environment variable " + usernameEnv + " (git user name) is not set",
          null, "export " + usernameEnv + " in the CI job, or change auth.usernameEnv", null);
    }
    String secret = System.getenv(passwordEnv);
    if (secret == null || secret.isEmpty()) {
      throw new InputException("environment variable " + passwordEnv + " (git password or token) is not set",
          null, "export " + passwordEnv + " in the CI job, or change auth.passwordEnv", null);
    }
    return new GitCredentials(user, secret, null, null,
        "environment variables " + usernameEnv + " and " + passwordEnv);
  }

  public boolean hasPassword() {
    return user != null && secret != null;
  }

  public boolean hasSshKey() {
    return keyFile != null;
  }

  @Override
  public String toString() {
    return "GitCredentials[" + source + (user == null ? "" : ", user=" + user)
        + (secret == null ? "" : ", secret=***") + "]";
  }
}
