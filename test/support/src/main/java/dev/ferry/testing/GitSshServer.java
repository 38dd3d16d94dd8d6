package dev.ferry.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenSSH {@code sshd} on loopback with its own host key, serving git over ssh to one client
 * key. It writes a known_hosts file for the client, so host keys are checked strictly.
 *
 * <pre>{@code
 * try (GitSshServer ssh = GitSshServer.start(tempDir)) {
 *   ssh.createBareRepo("env.git");
 *   String url = ssh.url("env.git");          // ssh://USER@127.0.0.1:PORT/abs/path/env.git
 *   Path key = ssh.clientKey(), known = ssh.knownHosts();
 * }
 * }</pre>
 */
public final class GitSshServer implements AutoCloseable {

  private final Path base;
  private final Path dir;
  private final ServerProcess sshd;

  private GitSshServer(Path base, Path dir, ServerProcess sshd) {
    this.base = base;
    this.dir = dir;
    this.sshd = sshd;
  }

  public static GitSshServer start(Path base) throws IOException {
    String sshdBin = ServerProcess.require("sshd", "openssh-server");
    String keygen = ServerProcess.require("ssh-keygen", "openssh-client");
    Files.createDirectories(base);
    Path dir = Files.createDirectories(base.resolve(".sshd"));
    Path hostKey = dir.resolve("host_ed25519");
    Path clientKey = dir.resolve("client_ed25519");
    keygen(keygen, hostKey, "ferry-test-host");
    keygen(keygen, clientKey, "ferry-test-client");
    Path authorized = dir.resolve("authorized_keys");
    Files.copy(clientKey.resolveSibling(clientKey.getFileName() + ".pub"), authorized,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.createDirectories(Path.of("/run/sshd"));
    int port = ServerProcess.freePort();
    Path conf = dir.resolve("sshd_config");
    Files.writeString(conf, String.join("\n",
        "Port " + port,
        "ListenAddress 127.0.0.1",
        "HostKey " + hostKey,
        "AuthorizedKeysFile " + authorized,
        "StrictModes no",
        "UsePAM no",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "PubkeyAuthentication yes",
        "PermitRootLogin prohibit-password",
        "PidFile " + dir.resolve("sshd.pid"),
        "MaxStartups 100:30:200",
        "MaxSessions 100",
        "") );
    String hostPub = Files.readString(hostKey.resolveSibling(hostKey.getFileName() + ".pub")).trim();
    String[] parts = hostPub.split(" ");
    Files.writeString(dir.resolve("known_hosts"), "[127.0.0.1]:" + port + " " + parts[0] + " " + parts[1] + "\n");
    ServerProcess sshd = ServerProcess.start("sshd",
        List.of(sshdBin, "-D", "-f", conf.toString(), "-E", dir.resolve("sshd-auth.log").toString()), port, dir);
    return new GitSshServer(base, dir, sshd);
  }

  /** Creates an empty bare repository {@code name} under the base folder. */
  public Path createBareRepo(String name) throws IOException {
    Path repo = base.resolve(name);
    GitDaemon.Git.run(base, "init", "--bare", "--quiet", "-b", "main", repo.toString());
    return repo;
  }

  /** {@code ssh://USER@127.0.0.1:PORT/<absolute path of the repository>}; USER is this process's user. */
  public String url(String name) {
    return "ssh://" + System.getProperty("user.name") + "@127.0.0.1:" + sshd.port()
        + base.resolve(name).toAbsolutePath();
  }

  /** The private key the server accepts. */
  public Path clientKey() {
    return dir.resolve("client_ed25519");
  }

  /** A known_hosts file naming this server's host key as {@code [127.0.0.1]:PORT}. */
  public Path knownHosts() {
    return dir.resolve("known_hosts");
  }

  /** An ssh key the server does not accept, for negative tests. */
  public Path makeStrangerKey() throws IOException {
    Path key = dir.resolve("stranger_ed25519");
    if (!Files.exists(key)) {
      keygen(ServerProcess.require("ssh-keygen", "openssh-client"), key, "stranger");
    }
    return key;
  }

  public int port() {
    return sshd.port();
  }

  public String log() {
    try {
      return Files.readString(dir.resolve("sshd-auth.log"));
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() {
    sshd.close();
  }

  private static void keygen(String keygen, Path file, String comment) throws IOException {
    Process p = new ProcessBuilder(keygen, "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", file.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException("ssh-keygen failed for " + file + ": " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
  }
}
