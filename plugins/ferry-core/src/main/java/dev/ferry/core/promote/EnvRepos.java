package dev.ferry.core.promote;

import dev.ferry.core.FerryListener;
import dev.ferry.core.config.EnvironmentConfig;
import dev.ferry.core.config.FerryConfig;
import dev.ferry.core.config.RepoConfig;
import dev.ferry.core.config.SigningConfig;
import dev.ferry.core.forge.ForgeContext;
import dev.ferry.core.forge.Forges;
import dev.ferry.core.gate.Sleeper;
import dev.ferry.core.git.EnvRepo;
import dev.ferry.core.git.GitCredentials;
import dev.ferry.core.git.RecordTrust;
import dev.ferry.core.git.RemoteSpec;
import dev.ferry.core.signing.CommitSigner;
import dev.ferry.core.signing.SigningKeys;
import dev.ferry.core.signing.TrustedSigners;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment repositories of one configuration, opened (fetched) once each, on first use.
 * Credentials are read from the environment variables the configuration names. With {@code
 * git.signing}, every commit they write is signed (the key is loaded at the first write); with
 * {@code git.trust}, only records signed by a trusted key are read back.
 */
final class EnvRepos implements AutoCloseable {

  private final FerryConfig config;
  private final Path cacheRoot;
  private final FerryListener listener;
  private final java.time.Clock clock;
  private final Map<String, EnvRepo> open = new LinkedHashMap<>();
  private final CommitSigner signer;
  private final RecordTrust trust;
  private final Map<String, String> env;

  /** How long a commit through the forge's API may wait out its rate limits. */
  private static final java.time.Duration FORGE_BUDGET = java.time.Duration.ofMinutes(10);

  /** {@code clock} dates the commits: a promotion lands at its commit time, which the delivery metrics read. */
  EnvRepos(FerryConfig config, Path cacheRoot, FerryListener listener, java.time.Clock clock) {
    this(config, cacheRoot, listener, clock, System.getenv());
  }

  /** @param env the process environment, for the signing key's variables */
  EnvRepos(FerryConfig config, Path cacheRoot, FerryListener listener, java.time.Clock clock, Map<String, String> env) {
    this.config = config;
    this.cacheRoot = cacheRoot;
    this.listener = listener;
    this.clock = clock;
    this.env = env;
    // format github has no key: GitHub signs the commits it creates (see openRepo)
    this.signer = config.signing() == null || config.signing().format() == SigningConfig.Format.GITHUB ? null
        : SigningKeys.lazy(config.signing(), env);
    this.trust = config.trust() == null ? null : new RecordTrust(TrustedSigners.load(config.trust()));
  }

  EnvRepo of(EnvironmentConfig environment) {
    return open.computeIfAbsent(environment.repo(), name -> openRepo(config.repos().get(name)));
  }

  private EnvRepo openRepo(RepoConfig repo) {
    GitCredentials credentials;
    if (repo.sshKeyFile() != null) {
      credentials = GitCredentials.sshKey(repo.sshKeyFile(), repo.knownHostsFile());
    } else if (repo.usernameEnv() != null || repo.passwordEnv() != null) {
      credentials = GitCredentials.fromEnv(repo.usernameEnv(), repo.passwordEnv());
    } else {
      credentials = GitCredentials.none();
    }
    EnvRepo.Options defaults = EnvRepo.Options.DEFAULT;
    EnvRepo opened = EnvRepo.open(new RemoteSpec(repo.url(), repo.branch(), credentials), cacheRoot, listener,
        new EnvRepo.Options(defaults.retry(), clock, defaults.timeout(), defaults.committer()));
    opened.signWith(signer);
    if (config.signing() != null && config.signing().format() == SigningConfig.Format.GITHUB) {
      // the validator made sure every repository has GitHub pullRequests; rate limits wait at most this long
      opened.commitThrough(Forges.commits(repo.pullRequests().orElseThrow(), new ForgeContext(env, clock,
          Sleeper.SYSTEM, clock.instant().plus(FORGE_BUDGET), listener)));
    }
    opened.trustOnly(trust);
    return opened;
  }

  @Override
  public void close() {
    open.values().forEach(EnvRepo::close);
    open.clear();
  }
}
