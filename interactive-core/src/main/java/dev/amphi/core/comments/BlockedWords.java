package dev.amphi.core.comments;

import com.ibm.icu.text.Normalizer2;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A room's blocked words. A comment is refused when its text contains one, compared after Unicode's
 * NFKC case folding on both sides, so upper case, full-width letters (ＡＢＣ) and ligatures do
 * not get a word past. Matching is by substring, as most danmaku sites do: block whole phrases
 * rather than short fragments of common words.
 */
public final class BlockedWords {

    private static final Normalizer2 FOLD = Normalizer2.getNFKCCasefoldInstance();
    private static final BlockedWords NONE = new BlockedWords(List.of());

    private final List<String> folded;

    private BlockedWords(List<String> folded) {
        this.folded = folded;
    }

    /** No blocked words. */
    public static BlockedWords none() {
        return NONE;
    }

    /** Blocks each of {@code words} (blank entries are ignored). */
    public static BlockedWords of(Collection<String> words) {
        List<String> f = new ArrayList<>();
        for (String w : words) {
            String s = w == null ? "" : FOLD.normalize(w.strip());
            if (!s.isEmpty()) {
                f.add(s);
            }
        }
        return new BlockedWords(List.copyOf(f));
    }

    /** Whether {@code text} contains a blocked word. */
    public boolean blocks(String text) {
        if (folded.isEmpty()) {
            return false;
        }
        String t = FOLD.normalize(text);
        for (String w : folded) {
            if (t.contains(w)) {
                return true;
            }
        }
        return false;
    }

    public int size() {
        return folded.size();
    }
}
