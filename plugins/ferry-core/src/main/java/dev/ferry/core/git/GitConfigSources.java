package dev.ferry.core.git;

import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.storage.file.FileBasedConfig;
import org.eclipse.jgit.util.FS;
import org.eclipse.jgit.util.SystemReader;

/**
 * Which git configuration Ferry's JGit reads: the repository's (which {@link TransportPolicy}
 * overrides where it matters) and the user's, never the system's. JGit finds the system file by
 * running {@code git --version} and {@code git config --system --list} with the whole inherited
 * environment (tokens included), on every process start; and {@code /etc/gitconfig} on a CI agent
 * is not Ferry's to obey. Ferry sets the options it needs explicitly instead.
 *
 * <pre>{@code GitConfigSources.install(); // before the first repository is opened}</pre>
 */
public final class GitConfigSources {

  private GitConfigSources() {
  }

  /** Installs the reader once per process; later calls do nothing. */
  public static synchronized void install() {
    SystemReader current = SystemReader.getInstance();
    if (!(current instanceof WithoutSystemConfig)) {
      SystemReader.setInstance(new WithoutSystemConfig(current));
    }
  }

  private static final class WithoutSystemConfig extends SystemReader.Delegate {
    WithoutSystemConfig(SystemReader delegate) {
      super(delegate);
    }

    @Override
    public FileBasedConfig openSystemConfig(Config parent, FS fs) {
      // no file, nothing to load: what JGit itself does under GIT_CONFIG_NOSYSTEM, without asking git
      return new FileBasedConfig(parent, null, fs) {
        @Override
        public void load() {
          // there is no system configuration to read
        }

        @Override
        public boolean isOutdated() {
          return false;
        }
      };
    }
  }
}
