package dev.ferry.core.forge;

/** What Ferry asks the forge to open: {@code head} into {@code base}, with a title and a body. */
public record PullRequestDraft(String head, String base, String title, String body) {
}
