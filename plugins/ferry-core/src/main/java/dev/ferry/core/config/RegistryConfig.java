package dev.ferry.core.config;

/**
 * How to reach one image registry for tag-to-digest look-ups ({@code registries."host:port"}).
 *
 * <pre>{@code config.registries().getOrDefault(ref.effectiveRegistry(), RegistryConfig.defaults(host))}</pre>
 *
 * @param host the registry host[:port], as image references name it
 * @param insecure plain http (and unverified TLS) allowed
 * @param usernameEnv the variable holding the user name, or null
 * @param passwordEnv the variable holding the password or token, or null
 */
public record RegistryConfig(String host, boolean insecure, String usernameEnv, String passwordEnv) {

  /** A registry {@code ferry.yaml} does not mention: https, anonymous. */
  public static RegistryConfig defaults(String host) {
    return new RegistryConfig(host, false, null, null);
  }
}
