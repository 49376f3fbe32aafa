package dev.amphi.core.comments;

import static dev.amphi.core.comments.CommentTextTest.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CommentDraftTest {

    private static final BlockedWords BLOCKED = BlockedWords.of(List.of("spoiler", " ", "Ｂａｄ Word"));

    @Test
    void aGoodCommentIsCleanedAndTakesItsDefaults() {
        CommentDraft d = CommentDraft.of("  great  talk!\n", null, null, RoomCommentMode.TEXT, BLOCKED);
        assertThat(d).isEqualTo(new CommentDraft("great talk!", DisplayMode.SCROLL, "#ffffff"));
        assertThat(CommentDraft.of("hi", "bottom", "#FE0302", RoomCommentMode.TEXT, BlockedWords.none()))
                .isEqualTo(new CommentDraft("hi", DisplayMode.BOTTOM, "#fe0302"));
    }

    @Test
    void eachRoomRuleRefusesWithItsName() {
        assertRefused(() -> CommentDraft.of("hi", null, null, RoomCommentMode.OFF, BLOCKED), "comments-off");
        assertRefused(() -> CommentDraft.of("nice 👏", null, null, RoomCommentMode.EMOJI, BLOCKED), "emoji-only");
        assertThat(CommentDraft.of("👏👏 🎉", null, null, RoomCommentMode.EMOJI, BLOCKED).text()).isEqualTo("👏👏 🎉");
        assertRefused(() -> CommentDraft.of("hi", "sideways", null, RoomCommentMode.TEXT, BLOCKED), "mode");
        assertRefused(() -> CommentDraft.of("hi", null, "#000000", RoomCommentMode.TEXT, BLOCKED), "color");
        assertRefused(() -> CommentDraft.of("hi", null, "red", RoomCommentMode.TEXT, BLOCKED), "color");
    }

    @Test
    void blockedWordsMatchAcrossCaseAndFullWidthForms() {
        assertRefused(() -> CommentDraft.of("no SPOILERS please", null, null, RoomCommentMode.TEXT, BLOCKED), "blocked-word");
        assertRefused(() -> CommentDraft.of("what a bad word", null, null, RoomCommentMode.TEXT, BLOCKED), "blocked-word");
        assertRefused(() -> CommentDraft.of("ＳＰＯＩＬＥＲ", null, null, RoomCommentMode.TEXT, BLOCKED), "blocked-word");
        assertThat(CommentDraft.of("a spoil of war", null, null, RoomCommentMode.TEXT, BLOCKED).text()).isEqualTo("a spoil of war");
        assertThat(BLOCKED.size()).as("blank entries are ignored").isEqualTo(2);
    }

    @Test
    void theRefusalOfABlockedWordDoesNotRepeatIt() {
        try {
            CommentDraft.of("spoiler", null, null, RoomCommentMode.TEXT, BLOCKED);
        } catch (CommentRefused e) {
            assertThat(e.getMessage()).doesNotContainIgnoringCase("spoiler");
            return;
        }
        throw new AssertionError("not refused");
    }

    @Test
    void reactionsAreTheFixedSet() {
        assertThat(Reactions.parse("👏")).isEqualTo("👏");
        assertThat(Reactions.parse("❤")).as("without the variation selector").isEqualTo("❤️");
        assertRefused(() -> Reactions.parse("🍕"), "reaction");
        assertRefused(() -> Reactions.parse(null), "reaction");
        assertRefused(() -> Reactions.parse("👏👏"), "reaction");
    }

    @Test
    void roomCommentModesParseOrNameTheBadValue() {
        assertThat(RoomCommentMode.parse("emoji")).isEqualTo(RoomCommentMode.EMOJI);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RoomCommentMode.parse("loud"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'loud'");
    }
}
