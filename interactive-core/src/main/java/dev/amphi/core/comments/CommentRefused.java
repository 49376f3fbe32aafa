package dev.amphi.core.comments;

import java.util.Objects;

/**
 * A comment or reaction refused by one of the rules; {@link #rule()} names the rule in a stable,
 * machine-readable way (the API puts it in its 4xx body next to the message).
 */
public final class CommentRefused extends RuntimeException {

    private final String rule;

    public CommentRefused(String rule, String message) {
        super(Objects.requireNonNull(message, "message"), null, false, false);
        this.rule = Objects.requireNonNull(rule, "rule");
    }

    /** The rule, e.g. {@code text-too-long}, {@code blocked-word}, {@code color}. */
    public String rule() {
        return rule;
    }
}
