package dev.ferry.core.git;

import dev.ferry.core.InputException;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.SshConfigStore;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

/**
 * Every way Ferry connects to a git server (http, https, ssh, git://, a local path) and how it
 * authenticates there: the timeout, the credentials provider, the ssh session factory with strict
 * host keys. The one place to harden transport setup.
 *
 * <pre>{@code
 * try (Transports transports = new Transports(remote, diagnosis, Duration.ofSeconds(60));
 *      Transport t = transports.open(repo)) {
 *   t.fetch(NullProgressMonitor.INSTANCE, specs);
 * }
 * }</pre>
 */
final class Transports implements AutoCloseable {

  private final RemoteSpec remote;
  private final String transportUrl;
  private final String shownUrl;
  private final GitDiagnosis diagnosis;
  private final Duration timeout;
  private SshdSessionFactory sshFactory;

  Transports(RemoteSpec remote, GitDiagnosis diagnosis, Duration timeout) {
    this.remote = remote;
    this.transportUrl = RemoteUrl.forTransport(remote.url());
    this.shownUrl = RemoteUrl.display(remote.url());
    this.diagnosis = diagnosis;
    this.timeout = timeout;
  }

  /** A transport to the remote for {@code repo}, with timeout and credentials set. */
  Transport open(Repository repo) throws IOException {
    Transport t;
    // the mirror's config may have been written by anyone who shares the cache: Ferry's settings win
    TransportPolicy.enforce(repo.getConfig(), remote.credentials().hasPassword());
    try {
      t = Transport.open(repo, new URIish(transportUrl));
    } catch (URISyntaxException e) {
      throw new InputException("'" + shownUrl + "' is not a git URL or path: " + diagnosis.scrub(e.getMessage()));
    }
    t.setTimeout((int) Math.max(1, timeout.toSeconds()));
    GitCredentials c = remote.credentials();
    if (c.hasPassword()) {
      t.setCredentialsProvider(TransportPolicy.credentials(t.getURI(), c.user(), c.secret()));
    }
    if (t instanceof SshTransport ssh) {
      ssh.setSshSessionFactory(sshFactory());
    }
    return t;
  }

  private SshdSessionFactory sshFactory() {
    if (sshFactory == null) {
      GitCredentials c = remote.credentials();
      File home = new File(System.getProperty("user.home"));
      Path knownHosts = c.knownHosts() != null ? c.knownHosts() : home.toPath().resolve(".ssh/known_hosts");
      SshConfigStore.HostConfig strict = new StrictHostConfig();
      SshdSessionFactoryBuilder b = new SshdSessionFactoryBuilder()
          .setHomeDirectory(home)
          .setSshDirectory(new File(home, ".ssh"))
          .setPreferredAuthentications("publickey")
          // Ferry runs unattended: an unknown or changed host key is an error, never a question.
          .setConfigStoreFactory((h, f, u) -> new SshConfigStore() {
            @Override
            public HostConfig lookup(String host, int port, String user) {
              return strict;
            }

            @Override
            public HostConfig lookupDefault(String host, int port, String user) {
              return strict;
            }
          })
          .setDefaultKnownHostsFiles(dir -> List.of(knownHosts));
      if (c.keyFile() != null) {
        b.setDefaultIdentities(dir -> List.of(c.keyFile()));
      }
      sshFactory = b.build(null);
    }
    return sshFactory;
  }

  @Override
  public void close() {
    if (sshFactory != null) {
      sshFactory.close();
    }
  }

  private static final class StrictHostConfig implements SshConfigStore.HostConfig {
    // Classic key exchanges only: the post-quantum sntrup761 exchange costs seconds of CPU per
    // connection in pure Java on a small CI agent.
    private final Map<String, String> options = Map.of("StrictHostKeyChecking", "yes",
        "BatchMode", "yes", "UpdateHostKeys", "no",
        "KexAlgorithms", "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384");

    @Override
    public String getValue(String key) {
      return options.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(key))
          .map(Map.Entry::getValue).findFirst().orElse(null);
    }

    @Override
    public List<String> getValues(String key) {
      String v = getValue(key);
      return v == null ? List.of() : List.of(v);
    }

    @Override
    public Map<String, String> getOptions() {
      return options;
    }

    @Override
    public Map<String, List<String>> getMultiValuedOptions() {
      return Map.of();
    }
  }
}
