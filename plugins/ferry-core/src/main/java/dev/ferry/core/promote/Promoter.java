package dev.ferry.core.promote;

import dev.ferry.core.FerryEvent;
import dev.ferry.core.FerryListener;
import dev.ferry.core.InputException;
import dev.ferry.core.RefusedException;
import dev.ferry.core.SecretMask;
import dev.ferry.core.config.ConfiguredSecrets;
import dev.ferry.core.config.EnvironmentConfig;
import dev.ferry.core.config.FerryConfig;
import dev.ferry.core.config.PromotionMode;
import dev.ferry.core.config.PullRequestConfig;
import dev.ferry.core.forge.PromotionText;
import dev.ferry.core.gate.Sleeper;
import dev.ferry.core.config.ServiceConfig;
import dev.ferry.core.git.ChangeSet;
import dev.ferry.core.git.EnvRepo;
import dev.ferry.core.git.FileChange;
import dev.ferry.core.git.PushResult;
import dev.ferry.core.git.Trailer;
import dev.ferry.core.history.BlockRecord;
import dev.ferry.core.history.Evidence;
import dev.ferry.core.history.History;
import dev.ferry.core.history.PromotionRecord;
import dev.ferry.core.history.Trailers;
import dev.ferry.core.image.ImageRef;
import dev.ferry.core.notify.DeliveryEvent;
import dev.ferry.core.render.LineDiff;
import dev.ferry.core.render.RenderDiff;
import dev.ferry.core.state.StateStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.lib.PersonIdent;

/**
 * Plans, writes, rolls back and releases promotions in the environment repositories of one
 * {@code ferry.yaml}. Every write is one commit built in memory and pushed with compare-and-swap;
 * every decision reads its state from git.
 *
 * <pre>{@code
 * try (Promoter promoter = new Promoter(config, PromoterContext.defaults(listener))) {
 *   PromotionResult r = promoter.promote(PromotionRequest.to("dev").image("web", ImageRef.parse("reg/shop/web:1.4.2")));
 * }
 * }</pre>
 */
public final class Promoter implements AutoCloseable {

  private final FerryConfig config;
  private final PromoterContext context;
  private final FerryListener listener;
  private final EnvRepos repos;
  private final Map<String, History> histories = new LinkedHashMap<>();
  private final Map<String, StateStore> states = new LinkedHashMap<>();
  private final Map<String, PromotionText> pullRequestTexts = new LinkedHashMap<>();
  private Sleeper forgeSleeper = Sleeper.SYSTEM;
  /** The configured secrets: a gate's reason may echo a token, and it goes into notes and messages. */
  private final SecretMask secrets;

  public Promoter(FerryConfig config, PromoterContext context) {
    this.config = config;
    this.context = context;
    this.listener = context.listener();
    this.repos = new EnvRepos(config, context.cacheRoot(), listener, context.clock(), context.env());
    this.secrets = ConfiguredSecrets.mask(config, context.env());
  }

  /** The secrets of this configuration, to mask in everything written. */
  public SecretMask secrets() {
    return secrets;
  }

  /** What {@link #promote} would write, and whether the policy allows it. Changes nothing. */
  public Plan plan(PromotionRequest request) {
    EnvironmentConfig env = config.environment(request.environment());
    Map<String, ImageRef> images = resolve(checkImages(request));
    EnvRepo repo = repos.of(env);
    String head = repo.head();
    List<TargetFile> targets = targets(repo, head, env, images.keySet());

    Map<String, List<TargetFile>> byPath = byPath(targets);
    List<Plan.FileChangePlan> files = new ArrayList<>();
    for (Map.Entry<String, List<TargetFile>> e : byPath.entrySet()) {
      String before = e.getValue().get(0).read(repo, head, env);
      String after = before;
      List<String> changed = new ArrayList<>();
      for (TargetFile t : e.getValue()) {
        String next = t.target().write(t.path(), after, images.get(t.service()));
        if (!next.equals(after)) {
          changed.add(t.service());
        }
        after = next;
      }
      files.add(new Plan.FileChangePlan(e.getKey(), e.getValue().stream().map(TargetFile::service).toList(),
          changed, before, after, LineDiff.unified("a/" + e.getKey(), "b/" + e.getKey(), before, after, 3)));
    }
    List<String> refusals = new Policy(context.clock()).check(env, images, request.approvedBy(),
        Policy.approvalSource(request), this::historyOf, reviewIsApproval(env, request));
    List<String> unproven = new EditProof(listener).check(repo, head, env, targets, files, images);
    if (!unproven.isEmpty()) {
      refusals = new ArrayList<>(refusals);
      refusals.addAll(unproven);
    }
    RenderDiff render = env.render() ? new RenderCheck(listener).check(repo, head, env, targets, files, images) : null;
    if (render != null && !render.onlyImages()) {
      refusals = new ArrayList<>(refusals);
      refusals.add("rendering '" + env.name() + "' changes more than the images of "
          + String.join(", ", images.keySet()) + ": " + String.join("; ", render.otherChanges().stream().limit(5).toList()));
    }
    return new Plan(env.name(), env.repo(), repo.url(), repo.branch(), head, images, files, refusals, render);
  }

  /**
   * Writes the images into the environment as one commit, after the policy allows it. A promotion
   * already in place is a no-op. When the branch moves meanwhile, the same edits are re-applied on
   * the new head and pushed again.
   *
   * @throws RefusedException listing every reason the policy refuses it (exit 1)
   */
  public PromotionResult promote(PromotionRequest request) {
    Plan plan = plan(request);
    if (!plan.refusals().isEmpty()) {
      throw new RefusedException("promotion to '" + plan.environment() + "' refused:\n  - "
          + String.join("\n  - ", plan.refusals()));
    }
    EnvironmentConfig env = config.environment(request.environment());
    EnvRepo repo = repos.of(env);
    String id = promotionId(env.name(), plan.images());
    Map<String, FileChange> changes = new LinkedHashMap<>();
    for (Plan.FileChangePlan file : plan.files()) {
      List<TargetFile> targets = targets(repo, plan.base(), env, file.services());
      changes.put(file.path(), (path, text) -> {
        if (text == null) {
          throw new InputException(path + " was deleted from " + repo.url() + " while promoting; nothing was written");
        }
        String out = text;
        for (TargetFile t : targets) {
          out = t.target().write(path, out, plan.images().get(t.service()));
        }
        return out;
      });
    }
    // trailers name what this commit changes, so that history and rollbacks find the commit that brought an image in
    Map<String, ImageRef> changed = new LinkedHashMap<>();
    plan.changedServices().forEach(s -> changed.put(s, plan.images().get(s)));
    List<Trailer> trailers = trailers(id, PromotionRecord.PROMOTE, env.name(), changed.isEmpty() ? plan.images() : changed, request);
    String subject = request.message() != null && !request.message().isBlank() ? request.message()
        : "Promote " + describe(plan.images()) + " to " + env.name();
    ChangeSet changeSet = new ChangeSet(changes, subject, "", trailers, null);
    boolean pr = request.pullRequest() || env.mode() == PromotionMode.PULL_REQUEST;
    PushResult pushed;
    String branch;
    if (pr) {
      branch = "ferry/" + env.name() + "/" + id;
      pushed = repo.pushBranch(branch, changeSet, author());
    } else {
      branch = repo.branch();
      pushed = repo.commit(changeSet, author(), stateOf(env).update());
    }
    forget(env);
    listener.on(FerryEvent.info("promote", (pushed.noop() ? "already in place: " : "promoted ")
        + describe(plan.images()) + " to " + env.name() + " (" + pushed.commit().substring(0, 12)
        + (pr ? " on branch " + branch : "") + ")"));
    Map<String, String> images = new LinkedHashMap<>();
    plan.images().forEach((s, i) -> images.put(s, i.toString()));
    if (!pushed.noop()) {
      tell(pr ? DeliveryEvent.PULL_REQUEST_OPENED : DeliveryEvent.PROMOTED, env.name(), images, pushed.commit(), id,
          request.promotedBy() != null ? request.promotedBy() : context.user(), null, request.source());
    }
    PullRequestInfo pull = null;
    Optional<PullRequestConfig> forge = config.repoOf(env.name()).pullRequests();
    if (pr && forge.isPresent() && !(pushed.noop() && pushed.commit().equals(plan.base()))) {
      // the branch is pushed: open its pull request, or update the one a retried pipeline opened
      PromotionText text = PullRequestStep.text(env, id, subject, plan, trailers, request.source(), this::historyOf,
          reviewIsApproval(env, request));
      pullRequestTexts.put(id, text);
      pull = PullRequestStep.publish(forge.get(), PullRequestStep.forgeContext(context, forgeSleeper,
          PullRequestStep.PUBLISH_BUDGET), text, branch, repo.branch(), env, PullRequestStep.commitTime(repo, pushed.commit()));
    }
    return new PromotionResult(id, env.name(), env.repo(), pushed.commit(), pushed.noop(),
        pr ? "pull-request" : "direct", branch, pushed.changedPaths(), images, pushed.attempts(), pull);
  }

  /** In pull-request mode with a forge, the approving review is the approval, unless the request names one. */
  private boolean reviewIsApproval(EnvironmentConfig env, PromotionRequest request) {
    return (request.pullRequest() || env.mode() == PromotionMode.PULL_REQUEST)
        && config.repoOf(env.name()).pullRequests().isPresent();
  }

  /** What the pull request of promotion {@code id} said when this promoter opened or updated it. */
  Optional<PromotionText> pullRequestText(String id) {
    return Optional.ofNullable(pullRequestTexts.get(id));
  }

  /** How forge calls wait out rate limits; tests pass one that does not sleep. */
  public Promoter forgeSleeper(Sleeper sleeper) {
    this.forgeSleeper = sleeper;
    return this;
  }

  /**
   * Restores the image {@code service} had in {@code environment} before its current one was
   * promoted, as a new commit, and blocks the current one there (a note on that commit, pushed
   * atomically with it).
   */
  public RollbackResult rollback(String environment, String service, String reason, String by) {
    EnvironmentConfig env = config.environment(environment);
    ServiceConfig svc = config.service(service);
    EnvRepo repo = repos.of(env);
    repo.fetch();
    forget(env);
    String head = repo.head();
    TargetFile target = TargetFile.resolve(repo, head, env, svc);
    ImageRef current = target.currentImage(repo, head).orElseThrow(() -> new RefusedException(
        "no image of " + service + " found in " + target.path() + " in '" + environment + "'"));
    History history = historyOf(environment);
    PromotionRecord bad = history.promotions().stream()
        .filter(p -> p.environment().equals(environment) && p.kind().equals(PromotionRecord.PROMOTE))
        .filter(p -> p.images().containsKey(service) && ImageRef.parse(p.images().get(service)).sameVersion(current))
        .findFirst()
        .orElseThrow(() -> new RefusedException("the current image of " + service + " in '" + environment
            + "' (" + current + ") was not promoted by Ferry: there is no recorded earlier image to return to",
            "promote the image you want with 'ferry promote'"));
    String parent = Optional.ofNullable(bad.parent()).orElseThrow(() -> new RefusedException(
        "the promotion of " + current + " is the first commit of " + repo.url() + "; nothing to return to"));
    ImageRef previous = target.currentImage(repo, parent).orElseThrow(() -> new RefusedException(
        "before " + bad.commit().substring(0, 12) + ", " + target.path() + " held no image of " + service
            + ": nothing to return to"));
    if (previous.sameVersion(current)) {
      throw new RefusedException(service + " in '" + environment + "' held " + current + " before its last promotion too:"
          + " nothing to roll back to", "promote the image you want with 'ferry promote'");
    }
    String why = secrets.apply(reason == null || reason.isBlank() ? "rolled back by " + by : reason);
    BlockRecord block = new BlockRecord(environment, service, current.toString(), why, context.clock().instant(), by, null);
    String id = promotionId(environment + "/rollback", Map.of(service, current));
    List<Trailer> trailers = new ArrayList<>();
    trailers.add(new Trailer(Trailers.KIND, PromotionRecord.ROLLBACK));
    trailers.add(new Trailer(Trailers.ENVIRONMENT, environment));
    trailers.add(new Trailer(Trailers.SERVICE, service));
    trailers.add(new Trailer(Trailers.IMAGE, previous.toString()));
    trailers.add(new Trailer(Trailers.PROMOTION_ID, id));
    trailers.add(new Trailer(Trailers.PROMOTED_BY, by));
    Map<String, FileChange> changes = new LinkedHashMap<>();
    changes.put(target.path(), (path, text) -> {
      if (text == null) {
        throw new InputException(path + " was deleted from " + repo.url() + " while rolling back; nothing was written");
      }
      // another pipeline may have promoted meanwhile: roll back only what this rollback judged
      Optional<ImageRef> now = target.target().read(path, text);
      if (now.isEmpty() || !now.get().sameVersion(current)) {
        throw new RefusedException(service + " in '" + environment + "' changed to "
            + now.map(ImageRef::toString).orElse("nothing") + " while rolling back " + current + "; nothing was written",
            "check 'ferry status' and roll back again if the new image is bad too");
      }
      return target.target().write(path, text, previous);
    });
    String body = "Blocked " + current + " in " + environment + ": " + why + "\nRolls back " + bad.commit() + ".";
    ChangeSet changeSet = new ChangeSet(changes, "Roll back " + service + " in " + environment + " to "
        + previous, body, trailers, Evidence.EMPTY.withBlock(block).toJson());
    PushResult pushed;
    Optional<PullRequestConfig> forge = config.repoOf(environment).pullRequests();
    if (env.rollbackMode() == PromotionMode.PULL_REQUEST) {
      if (forge.isEmpty()) {
        throw new InputException("'" + environment + "' rolls back with pull requests (rollback: {mode: pull-request})"
            + " but its repository '" + env.repo() + "' has no pullRequests", env.location(),
            "add pullRequests under repos." + env.repo() + ", or use rollback: {mode: direct}", null);
      }
      // under branch protection: the revert goes as a pull request, and the block only once it landed
      pushed = PullRequestStep.rollBack(this, repo, env, forge.get(), id, changeSet, block, author(), forgeSleeper);
    } else {
      pushed = repo.commit(changeSet, author(), stateOf(env).update());
    }
    forget(env);
    listener.on(FerryEvent.info("rollback", "rolled back " + service + " in " + environment + " from "
        + current + " to " + previous + " (" + pushed.commit().substring(0, 12) + "); " + current + " is blocked there"));
    tell(DeliveryEvent.ROLLED_BACK, environment, Map.of(service, previous.toString()), pushed.commit(), id, by, why, null);
    tell(DeliveryEvent.BLOCKED, environment, Map.of(service, current.toString()), pushed.commit(), id, by, why, null);
    // after the revert: git is what rolls back; aborting the Rollout only stops the bad canary sooner
    RolloutAbort.Aborts aborts = RolloutAbort.abortAll(env.gates(), environment, List.of(service), context.env(), listener);
    return new RollbackResult(id, environment, service, current.toString(), previous.toString(), pushed.commit(),
        pushed.noop(), why, aborts.aborted(), aborts.failed());
  }

  /** Lifts the block of {@code image} of {@code service} in {@code environment}. */
  public String release(String environment, String service, ImageRef image, String by) {
    EnvironmentConfig env = config.environment(environment);
    config.service(service);
    History history = historyOf(environment);
    History.BlockEntry entry = history.activeBlock(environment, service, image).orElseThrow(() ->
        new RefusedException(service + " " + image + " is not blocked in '" + environment + "'"));
    BlockRecord.Release release = new BlockRecord.Release(context.clock().instant(), by);
    repos.of(env).updateNotes(Map.of(entry.commit(), old ->
        secrets.apply(Evidence.parse(old).withRelease(environment, service, entry.block().image(), release).toJson())),
        stateOf(env).update());
    forget(env);
    listener.on(FerryEvent.info("release", "released " + service + " " + entry.block().image() + " in " + environment));
    tell(DeliveryEvent.RELEASED, environment, Map.of(service, entry.block().image()), entry.commit(), null, by, null, null);
    return entry.commit();
  }

  /** Tells the context's receivers; they never fail what they are told of. */
  void tell(String type, String environment, Map<String, String> images, String commit, String id, String by,
      String reason, String link) {
    context.deliveries().on(new DeliveryEvent(type, environment, images, commit, id, by, reason, link,
        context.clock().instant()));
  }

  /**
   * The state of the repository an environment lives in, read from its state index (reconciled
   * with the commits since the index's base, built from history on first use).
   */
  public History historyOf(String environment) {
    EnvironmentConfig env = config.environment(environment);
    // with git.trust, only records in commits a trusted key signed count: the state index folds in
    // only those and is itself signed and checked; without a key of Ferry's to sign it (format
    // github), the commits themselves are read, each signature checked
    return histories.computeIfAbsent(env.repo(), r -> config.trust() != null && !repos.of(env).checksIndexSignature()
        ? historyLog(environment, context.historyDepth()) : stateOf(env).history());
  }

  /**
   * The history of the repository an environment lives in, read from its commits (a window of
   * {@code depth} first-parent commits, blocks further back): for {@code ferry history}, which
   * shows more than the state index keeps.
   */
  public History historyLog(String environment, int depth) {
    EnvRepo.Log log = repoOf(environment).log(depth, History::mayHoldBlocks);
    return History.of(log.recent(), log.older(), log.untrusted());
  }

  /** The state index of the repository an environment lives in. */
  public StateStore stateOf(String environment) {
    return stateOf(config.environment(environment));
  }

  private StateStore stateOf(EnvironmentConfig env) {
    return states.computeIfAbsent(env.repo(), r -> new StateStore(repos.of(env), context.historyDepth(), listener));
  }

  /** Updates notes in an environment's repository, with its state index in the same push. */
  void updateNotes(String environment, Map<String, java.util.function.UnaryOperator<String>> updates) {
    EnvironmentConfig env = config.environment(environment);
    repos.of(env).updateNotes(updates, stateOf(env).update());
    forget(env);
  }

  /** The repository of an environment, fetched. */
  public EnvRepo repoOf(String environment) {
    return repos.of(config.environment(environment));
  }

  /** The image each service currently has in an environment, read from the files at the branch head. */
  public Map<String, Optional<ImageRef>> currentImages(String environment, List<String> services) {
    EnvironmentConfig env = config.environment(environment);
    EnvRepo repo = repos.of(env);
    String head = repo.head();
    Map<String, Optional<ImageRef>> out = new LinkedHashMap<>();
    for (String s : services) {
      ServiceConfig svc = config.service(s);
      Optional<ImageRef> image;
      try {
        image = TargetFile.resolve(repo, head, env, svc).currentImage(repo, head);
      } catch (InputException noTarget) {
        image = Optional.empty();
      }
      out.put(s, image);
    }
    return out;
  }

  /**
   * The commit that last changed the target file of {@code service} in {@code environment} after
   * {@code since} (Ferry's last change there): how an image changed by hand or by another tool
   * shows, with its commit.
   */
  public Optional<dev.ferry.core.git.CommitInfo> changeOutsideFerry(String environment, String service, String since) {
    EnvironmentConfig env = config.environment(environment);
    EnvRepo repo = repos.of(env);
    TargetFile target = TargetFile.resolve(repo, repo.head(), env, config.service(service));
    return repo.lastChangeOf(target.path(), since);
  }

  public FerryConfig config() {
    return config;
  }

  public PromoterContext context() {
    return context;
  }

  void forget(EnvironmentConfig env) {
    histories.remove(env.repo());
  }

  private Map<String, ImageRef> checkImages(PromotionRequest request) {
    if (request.images().isEmpty()) {
      throw new InputException("nothing to promote: give at least one SERVICE=IMAGE");
    }
    for (Map.Entry<String, ImageRef> e : request.images().entrySet()) {
      ServiceConfig svc = config.service(e.getKey());
      if (!svc.image().sameRepository(e.getValue())) {
        throw new InputException("image " + e.getValue() + " is not of service '" + svc.name()
            + "', whose repository is " + svc.image().name(), svc.location(),
            "promote an image of " + svc.image().name() + ", or check the service name", null);
      }
    }
    return request.images();
  }

  private Map<String, ImageRef> resolve(Map<String, ImageRef> images) {
    Map<String, ImageRef> out = new LinkedHashMap<>();
    images.forEach((service, image) -> out.put(service, context.resolver().resolve(image)));
    return out;
  }

  private List<TargetFile> targets(EnvRepo repo, String commit, EnvironmentConfig env, java.util.Collection<String> services) {
    return services.stream().map(s -> TargetFile.resolve(repo, commit, env, config.service(s))).toList();
  }

  private static Map<String, List<TargetFile>> byPath(List<TargetFile> targets) {
    Map<String, List<TargetFile>> out = new LinkedHashMap<>();
    targets.forEach(t -> out.computeIfAbsent(t.path(), p -> new ArrayList<>()).add(t));
    return out;
  }

  private List<Trailer> trailers(String id, String kind, String env, Map<String, ImageRef> images, PromotionRequest request) {
    List<Trailer> t = new ArrayList<>();
    t.add(new Trailer(Trailers.KIND, kind));
    t.add(new Trailer(Trailers.ENVIRONMENT, env));
    images.forEach((service, image) -> {
      t.add(new Trailer(Trailers.SERVICE, service));
      t.add(new Trailer(Trailers.IMAGE, image.toString()));
    });
    t.add(new Trailer(Trailers.PROMOTION_ID, id));
    if (request.source() != null && !request.source().isBlank()) {
      t.add(new Trailer(Trailers.SOURCE, request.source()));
    }
    if (request.sourceCommit() != null) {
      t.add(new Trailer(Trailers.SOURCE_COMMIT, request.sourceCommit().sha()));
      if (request.sourceCommit().time() != null) {
        t.add(new Trailer(Trailers.SOURCE_TIME, request.sourceCommit().time().toString()));
      }
    }
    t.add(new Trailer(Trailers.PROMOTED_BY, request.promotedBy() != null ? request.promotedBy() : context.user()));
    if (request.approvedBy() != null && !request.approvedBy().isBlank()) {
      t.add(new Trailer(Trailers.APPROVED_BY, request.approvedBy()));
      t.add(new Trailer(Trailers.APPROVAL_SOURCE, Policy.approvalSource(request)));
    }
    return t;
  }

  private PersonIdent author() {
    return new PersonIdent(config.author().name(), config.author().email(),
        context.clock().instant(), java.time.ZoneOffset.UTC);
  }

  /** Stable for the same images into the same environment, so that a retry finds the same branch. */
  static String promotionId(String environment, Map<String, ImageRef> images) {
    StringBuilder key = new StringBuilder(environment);
    new java.util.TreeMap<>(images).forEach((s, i) -> key.append('\n').append(s).append('=').append(i));
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String describe(Map<String, ImageRef> images) {
    List<String> parts = new ArrayList<>();
    images.forEach((s, i) -> parts.add(s + " " + i.tagValue().orElse(i.digestValue().orElse(i.toString()))));
    return String.join(", ", parts);
  }

  @Override
  public void close() {
    repos.close();
  }
}
