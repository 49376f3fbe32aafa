package dev.amphi.core.comments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CommentTextTest {

    static Stream<Arguments> graphemes() {
        return Stream.of(
                Arguments.of("plain ASCII", "hello", 5),
                Arguments.of("family: 4 people joined by ZWJs, one cluster", "👨‍👩‍👧‍👦", 1),
                Arguments.of("flag: two regional indicators", "🇯🇵", 1),
                Arguments.of("two flags", "🇯🇵🇫🇷", 2),
                Arguments.of("subdivision flag with tag characters", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", 1),
                Arguments.of("thumbs up with a skin tone", "👍🏽", 1),
                Arguments.of("keycap", "1️⃣", 1),
                Arguments.of("e with a combining acute", "e\u0301", 1),
                Arguments.of("Devanagari conjunct", "क्षि", 1),
                Arguments.of("Hangul syllable from jamo", "\u1100\u1161\u11A8", 1),
                Arguments.of("CJK", "你好世界", 4));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("graphemes")
    void countsGraphemeClustersAsAViewerSeesThem(String what, String text, int expected) {
        assertThat(CommentText.graphemes(text)).isEqualTo(expected);
    }

    static Stream<Arguments> cleaning() {
        return Stream.of(
                Arguments.of("NFC: e + combining acute becomes é", "cafe\u0301", "café"),
                Arguments.of("a right-to-left override is removed", "abc\u202Egnp.exe", "abcgnp.exe"),
                Arguments.of("embeddings and isolates are removed", "\u202Ax\u202C\u2067y\u2069", "xy"),
                Arguments.of("left-to-right and right-to-left marks stay", "a\u200Fb\u200E", "a\u200Fb\u200E"),
                Arguments.of("control characters are removed", "a\u0000b\u0007c\u009Bd", "abcd"),
                Arguments.of("line breaks and tabs become one space, trimmed", "\n  first\r\n\tsecond \u2028third  ", "first second third"),
                Arguments.of("no-break spaces are spaces", "a\u00A0\u00A0b", "a b"),
                Arguments.of("a byte-order mark is removed", "\uFEFFhi", "hi"),
                Arguments.of("ZWJ, variation selectors and tags stay", "👩‍💻❤️🏴󠁧󠁢󠁳󠁣󠁴󠁿", "👩‍💻❤️🏴󠁧󠁢󠁳󠁣󠁴󠁿"),
                Arguments.of("markup is text, kept as it is", "<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cleaning")
    void cleansTheText(String what, String raw, String expected) {
        assertThat(CommentText.clean(raw)).isEqualTo(expected);
    }

    @Test
    void acceptsAHundredClustersAndRefusesOneMore() {
        String family = "👨‍👩‍👧‍👦";
        assertThat(CommentText.clean(family.repeat(100))).isEqualTo(family.repeat(100));
        assertThat(CommentText.clean("a".repeat(100))).hasSize(100);
        assertRefused(() -> CommentText.clean(family.repeat(101)), "text-too-long");
        assertRefused(() -> CommentText.clean("a".repeat(101)), "text-too-long");
        assertRefused(() -> CommentText.clean("x".repeat(CommentText.MAX_CHARS + 1)), "text-too-long");
    }

    @Test
    void refusesWhatHasNothingLeftToShow() {
        assertRefused(() -> CommentText.clean(null), "text-empty");
        assertRefused(() -> CommentText.clean(""), "text-empty");
        assertRefused(() -> CommentText.clean(" \n\t\u202E\u0000 "), "text-empty");
    }

    @Test
    void refusesLoneSurrogatesAndInvalidUtf8() {
        assertRefused(() -> CommentText.clean("a\uD83Db"), "text-encoding");
        assertRefused(() -> CommentText.clean("a\uDE00"), "text-encoding");
        for (String hex : new String[] {"c3", "ff", "c0af", "eda080", "f4908080"}) { // truncated, invalid, overlong, surrogate, > U+10FFFF
            assertRefused(() -> CommentText.decode(HexFormat.of().parseHex(hex)), "text-encoding");
        }
        assertThat(CommentText.decode("héllo 👋".getBytes(StandardCharsets.UTF_8))).isEqualTo("héllo 👋");
    }

    @Test
    void emojiOnlyTakesRgiEmojiAndSpacesOnly() {
        assertThat(CommentText.emojiOnly("👏 👏🏽 🇯🇵 👨‍👩‍👧‍👦 1️⃣")).isTrue();
        assertThat(CommentText.emojiOnly("❤")).as("typed without its variation selector").isTrue();
        assertThat(CommentText.emojiOnly("👏 great")).isFalse();
        assertThat(CommentText.emojiOnly("1")).as("a digit has the Emoji property but is not an emoji").isFalse();
        assertThat(CommentText.emojiOnly("#")).isFalse();
        assertThat(CommentText.emojiOnly(" ")).isFalse();
    }

    static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String rule) {
        assertThatThrownBy(call).isInstanceOf(CommentRefused.class)
                .satisfies(e -> assertThat(((CommentRefused) e).rule()).isEqualTo(rule));
    }
}
