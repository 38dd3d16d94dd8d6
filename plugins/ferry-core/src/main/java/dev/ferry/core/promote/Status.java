package dev.ferry.core.promote;

import dev.ferry.core.git.UntrustedRecord;
import dev.ferry.core.history.History;
import dev.ferry.core.history.PromotionRecord;
import dev.ferry.core.history.VerificationRecord;
import dev.ferry.core.image.ImageRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Services by environments: what runs where, since when, and whether it is verified, failed,
 * blocked or pending. Read from the files at each branch head and from history.
 *
 * @param environments environment names, in order
 * @param cells one per service and environment where the service has an image
 * @param blocks versions blocked, per environment
 * @param untrusted commits that look like Ferry's records but are not signed by a key {@code
 *     git.trust} names; they count for nothing above
 */
public record Status(List<String> environments, List<Cell> cells, List<Block> blocks,
    List<UntrustedRecord> untrusted) {

  public Status(List<String> environments, List<Cell> cells, List<Block> blocks) {
    this(environments, cells, blocks, List.of());
  }

  /** One service in one environment. */
  public record Cell(String service, String environment, String image, String digest, String commit,
      Instant since, String state) {
  }

  /** A version that stays out of an environment until released. */
  public record Block(String environment, String service, String image, String reason, Instant at, String commit) {
  }

  public static final String VERIFIED = "verified";
  public static final String FAILED = "failed";
  public static final String BLOCKED = "blocked";
  public static final String PENDING = "pending";
  /**
   * The image in the files is not the one Ferry last wrote there: a hand edit, another tool. The
   * cell's commit and time are that change's.
   */
  public static final String OUTSIDE = "changed outside Ferry";

  /** Reads the status of every service in every environment of the promoter's configuration. */
  public static Status read(Promoter promoter) {
    List<String> envs = promoter.config().environmentOrder();
    List<String> services = List.copyOf(promoter.config().services().keySet());
    List<Cell> cells = new ArrayList<>();
    List<Block> blocks = new ArrayList<>();
    java.util.Map<String, UntrustedRecord> untrusted = new java.util.LinkedHashMap<>();
    for (String env : envs) {
      History history = promoter.historyOf(env);
      history.untrusted().forEach(u -> untrusted.putIfAbsent(u.commit(), u));
      Map<String, Optional<ImageRef>> current = promoter.currentImages(env, services);
      for (String service : services) {
        Optional<ImageRef> image = current.get(service);
        if (image.isEmpty()) {
          continue;
        }
        ImageRef i = image.get();
        Optional<PromotionRecord> last = history.lastChange(env, service);
        boolean ours = last.map(p -> p.images().get(service)).map(ImageRef::parse).filter(i::sameVersion).isPresent();
        if (last.isPresent() && !ours) {
          // the files are the truth of what is deployed: say who changed them, not Ferry's last promotion
          Optional<dev.ferry.core.git.CommitInfo> by = promoter.changeOutsideFerry(env, service,
              last.map(PromotionRecord::commit).orElse(null));
          cells.add(new Cell(service, env, i.toString(), i.digest(), by.map(dev.ferry.core.git.CommitInfo::id).orElse(null),
              by.map(dev.ferry.core.git.CommitInfo::time).orElse(null), OUTSIDE));
          continue;
        }
        String state;
        if (history.activeBlock(env, service, i).isPresent()) {
          state = BLOCKED;
        } else {
          state = history.lastVerification(env, service, i).map(VerificationRecord::passed)
              .map(passed -> passed ? VERIFIED : FAILED).orElse(PENDING);
        }
        cells.add(new Cell(service, env, i.toString(), i.digest(),
            last.map(PromotionRecord::commit).orElse(null), last.map(PromotionRecord::time).orElse(null), state));
      }
      history.activeBlocks(env).forEach(b -> blocks.add(new Block(env, b.block().service(), b.block().image(),
          b.block().reason(), b.block().at(), b.commit())));
    }
    return new Status(envs, cells, blocks, List.copyOf(untrusted.values()));
  }

  public Optional<Cell> cell(String service, String environment) {
    return cells.stream().filter(c -> c.service().equals(service) && c.environment().equals(environment)).findFirst();
  }
}
