package dev.ferry.core.config;

import dev.ferry.core.SecretMask;
import dev.ferry.core.image.RegistryAccess;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The secrets a {@code ferry.yaml} makes Ferry hold, as one {@link SecretMask}: the values of every
 * {@code passwordEnv} (repositories, registries), of every gate setting that names a variable
 * ({@code tokenEnv} and any other {@code ...Env} but {@code usernameEnv}), of the notifications'
 * {@code webhookEnv}/{@code urlEnv}, {@code tokenEnv} and {@code secretEnv}, and
 * {@code FERRY_REGISTRY_PASSWORD}. Front ends apply it to everything they print, the core to the
 * notes and commit messages it writes.
 *
 * <pre>{@code SecretMask mask = ConfiguredSecrets.mask(config, System.getenv());}</pre>
 */
public final class ConfiguredSecrets {

  private ConfiguredSecrets() {
  }

  /** The secrets of the environment alone, before any ferry.yaml is read. */
  public static SecretMask mask(Map<String, String> env) {
    return SecretMask.of(values(env, List.of(RegistryAccess.PASSWORD_ENV)));
  }

  /** The secrets {@code config} names, read from {@code env}, with those of {@link #mask(Map)}. */
  public static SecretMask mask(FerryConfig config, Map<String, String> env) {
    List<String> names = new ArrayList<>(List.of(RegistryAccess.PASSWORD_ENV));
    List<String[]> basics = new ArrayList<>();
    for (RepoConfig repo : config.repos().values()) {
      add(names, repo.passwordEnv());
      if (repo.usernameEnv() != null && repo.passwordEnv() != null) {
        basics.add(new String[] {repo.usernameEnv(), repo.passwordEnv()});
      }
    }
    for (RegistryConfig registry : config.registries().values()) {
      add(names, registry.passwordEnv());
      if (registry.usernameEnv() != null && registry.passwordEnv() != null) {
        basics.add(new String[] {registry.usernameEnv(), registry.passwordEnv()});
      }
    }
    for (EnvironmentConfig environment : config.environments().values()) {
      for (GateConfig gate : environment.gates()) {
        gate.settings().forEach((key, value) -> {
          if (key.endsWith("Env") && !key.equals("usernameEnv") && value instanceof String name) {
            add(names, name);
          }
        });
      }
    }
    for (NotificationConfig n : config.notifications()) {
      // webhook URLs carry their token in the path
      add(names, n.urlEnv());
      add(names, n.tokenEnv());
      add(names, n.secretEnv());
    }
    SecretMask mask = SecretMask.of(values(env, names));
    for (String[] b : basics) {
      mask = mask.withBasic(env.get(b[0]), env.get(b[1]));
    }
    return mask;
  }

  private static void add(List<String> names, String name) {
    if (name != null && !name.isBlank()) {
      names.add(name);
    }
  }

  private static List<String> values(Map<String, String> env, List<String> names) {
    List<String> values = new ArrayList<>();
    for (String n : names) {
      String v = env.get(n);
      if (v != null && !v.isEmpty()) {
        values.add(v);
      }
    }
    return values;
  }
}
