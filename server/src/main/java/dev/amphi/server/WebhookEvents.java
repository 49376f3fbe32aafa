package dev.amphi.server;

import dev.amphi.core.comments.CommentHub;
import dev.amphi.core.comments.CommentSettings;
import dev.amphi.core.comments.CommentWindows;
import dev.amphi.core.hooks.Webhooks;
import dev.amphi.core.room.ProgramControl;
import dev.amphi.core.room.ProgramEvents;
import dev.amphi.core.room.ProgramState;
import dev.amphi.core.room.Room;
import dev.amphi.core.room.RoomRegistry;
import dev.amphi.core.room.SpeakerView;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the webhooks hear, and from where:
 * <ul>
 *   <li>{@code room.live} / {@code room.ended}: a room's stream starts or stops (the registry's
 *       live state: a composited room is live while its program runs, a passthrough room while
 *       its publisher publishes); data {@code {title}};</li>
 *   <li>{@code speaker.joined} / {@code speaker.left}: a speaker appears in a composited room's
 *       program, or is gone from it for good (after the rejoin grace, or when the program stops);
 *       data {@code {speaker, displayName}};</li>
 *   <li>{@code comment.flagged}: a viewer's comment is held for a moderator's approval (the room's
 *       {@code comments-hold}); data {@code {comment, nickname, text, reason: "held"}}.</li>
 * </ul>
 * Every listener here only hands the event to {@link Webhooks#publish}, which queues.
 */
final class WebhookEvents implements AutoCloseable {

    private final List<ProgramControl.Registration> registrations = new java.util.concurrent.CopyOnWriteArrayList<>();

    WebhookEvents(Webhooks hooks, RoomRegistry rooms, ProgramControl programs, CommentHub comments) {
        rooms.addLiveListener((room, live) -> hooks.publish(live ? Webhooks.ROOM_LIVE : Webhooks.ROOM_ENDED, room.name(),
                new JsonObject().put("title", room.title())));
        for (Room room : rooms.rooms()) {
            registrations.add(programs.listen(room.name(), new Speakers(hooks, room.name())));
        }
        rooms.addRoomsListener(new RoomRegistry.RoomsListener() { // rooms made through the API
            @Override
            public void added(Room room) {
                registrations.add(programs.listen(room.name(), new Speakers(hooks, room.name())));
            }

            @Override
            public void removed(Room room) {
            }
        });
        comments.listen(new CommentHub.Listener() {
            @Override
            public void accepted(String room, CommentWindows.Accepted comment, boolean held) {
                if (held) {
                    hooks.publish(Webhooks.COMMENT_FLAGGED, room, new JsonObject()
                            .put("comment", Long.toString(comment.id()))
                            .put("nickname", comment.nickname())
                            .put("text", comment.draft().text())
                            .put("reason", "held"));
                }
            }

            @Override
            public void removed(String room, long id) {
            }

            @Override
            public void settingsChanged(String room, CommentSettings settings) {
            }
        });
    }

    @Override
    public void close() {
        for (ProgramControl.Registration r : registrations) {
            r.close();
        }
    }

    /** One composited room's speakers: the differences between the lists the program reports. */
    private static final class Speakers implements ProgramEvents {
        private final Webhooks hooks;
        private final String room;
        /** Speaker id → display name, as last reported; guarded by this. */
        private final Map<String, String> present = new LinkedHashMap<>();

        Speakers(Webhooks hooks, String room) {
            this.hooks = hooks;
            this.room = room;
        }

        @Override
        public synchronized void speakersChanged(List<SpeakerView> speakers) {
            Map<String, String> now = new LinkedHashMap<>();
            for (SpeakerView s : speakers) {
                now.put(s.id(), s.displayName());
            }
            now.forEach((id, name) -> {
                if (!present.containsKey(id)) {
                    hooks.publish(Webhooks.SPEAKER_JOINED, room, speaker(id, name));
                }
            });
            present.forEach((id, name) -> {
                if (!now.containsKey(id)) {
                    hooks.publish(Webhooks.SPEAKER_LEFT, room, speaker(id, name));
                }
            });
            present.clear();
            present.putAll(now);
        }

        @Override
        public synchronized void programChanged(ProgramState state) {
            if (!state.running()) {
                speakersChanged(List.of());
            }
        }

        private static JsonObject speaker(String id, String name) {
            return new JsonObject().put("speaker", id).put("displayName", name);
        }
    }
}
