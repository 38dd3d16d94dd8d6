package dev.ferry.core.config;

import dev.ferry.core.SourceLocation;
import java.nio.file.Path;
import java.util.Optional;

/**
 * An environment repository ({@code repos.<name>}). Credentials are never held here, only the names
 * of the environment variables that carry them.
 *
 * <pre>{@code
 * RepoConfig env = config.repos().get("env");
 * env.passwordEnvValue().map(System::getenv);
 * }</pre>
 *
 * @param name the key under {@code repos}
 * @param url https, http, ssh ({@code ssh://} or {@code user@host:path}), {@code git://}, {@code file://}
 *     or an absolute local path (a relative path in the file is resolved against its directory)
 * @param branch the branch promotions write to; {@code main} by default
 * @param usernameEnv the variable holding the user name for http(s), or null
 * @param passwordEnv the variable holding the password or token for http(s), or null
 * @param sshKeyFile the private key for ssh, absolute, or null
 * @param knownHostsFile the known_hosts file for ssh, absolute, or null
 * @param location where the entry starts in {@code ferry.yaml}
 * @param pullRequestsConfig how pull requests are opened on the forge ({@code pullRequests}), or null
 */
public record RepoConfig(String name, String url, String branch, String usernameEnv, String passwordEnv,
    Path sshKeyFile, Path knownHostsFile, SourceLocation location, PullRequestConfig pullRequestsConfig) {

  public RepoConfig(String name, String url, String branch, String usernameEnv, String passwordEnv,
      Path sshKeyFile, Path knownHostsFile, SourceLocation location) {
    this(name, url, branch, usernameEnv, passwordEnv, sshKeyFile, knownHostsFile, location, null);
  }

  public Optional<PullRequestConfig> pullRequests() {
    return Optional.ofNullable(pullRequestsConfig);
  }

  public Optional<String> usernameEnvValue() {
    return Optional.ofNullable(usernameEnv);
  }

  public Optional<String> passwordEnvValue() {
    return Optional.ofNullable(passwordEnv);
  }

  public Optional<Path> sshKey() {
    return Optional.ofNullable(sshKeyFile);
  }

  public Optional<Path> knownHosts() {
    return Optional.ofNullable(knownHostsFile);
  }
}
