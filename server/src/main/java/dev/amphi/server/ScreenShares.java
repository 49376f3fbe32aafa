package dev.amphi.server;

import dev.amphi.core.room.LayoutChoice;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Screen shares present themselves: a speaker session whose name ends in {@value #SUFFIX} (the speaker
 * page's second session) switches its room to the presentation layout with that source large.
 * When the last share of a room ends, the room goes back to the layout it had before the first
 * one began, unless the host chose another layout meanwhile (then the host's choice stays); when
 * one of several shares ends, the latest remaining one is presented. A share that reconnects (a
 * new session under the same name) is the same share.
 */
final class ScreenShares {

    private static final Logger LOG = LoggerFactory.getLogger(ScreenShares.class);

    /** The name ending of a screen share's session. */
    static final String SUFFIX = " (screen)";
    /** Per room: the screen shares under way, oldest first (speaker id, call id); guarded by itself. */
    private final Map<String, List<String[]>> shares = new HashMap<>();
    /** Per room with shares: the layout before the first one; guarded by {@link #shares}. */
    private final Map<String, LayoutChoice> beforeShares = new HashMap<>();

    /** The speaker id of {@code speakerId}'s screen share. */
    static String screenIdOf(String speakerId) {
        return speakerId + SUFFIX.toLowerCase(java.util.Locale.ROOT);
    }

    /** The speaker whose screen share {@code speakerId} is, if it is one. */
    static java.util.Optional<String> sharerOf(String speakerId) {
        String suffix = SUFFIX.toLowerCase(java.util.Locale.ROOT);
        return speakerId.endsWith(suffix) ? java.util.Optional.of(speakerId.substring(0, speakerId.length() - suffix.length()))
                : java.util.Optional.empty();
    }

    /** Whether a speaker's display name says the session is a screen share. */
    static boolean isScreen(String name) {
        return name.strip().endsWith(SUFFIX);
    }

    /** A screen share's session is open: its room presents it (see the class comment). */
    void started(ProgramRoom program, String speakerId, String callId) {
        String room = program.room().name();
        synchronized (shares) {
            List<String[]> list = shares.computeIfAbsent(room, r -> new ArrayList<>());
            if (list.isEmpty()) {
                beforeShares.put(room, program.state().layout().orElse(LayoutChoice.gallery(1)));
            }
            list.removeIf(s -> s[0].equals(speakerId)); // a reconnection: the same share, a new session
            list.add(new String[] {speakerId, callId});
            try {
                program.layout(LayoutChoice.presentation(speakerId));
                LOG.info("room {}: {} shares a screen: presentation layout", room, speakerId);
            } catch (IllegalArgumentException e) { // left already
                LOG.info("room {}: screen share {} not presented: {}", room, speakerId, e.getMessage());
            }
        }
    }

    /** A screen share's session closed: back to the layout before, unless the host chose another meanwhile. */
    void ended(ProgramRoom program, String speakerId, String callId) {
        String room = program.room().name();
        synchronized (shares) {
            List<String[]> list = shares.get(room);
            if (list == null || !list.removeIf(s -> s[1].equals(callId))) {
                return; // not a share, or one that a reconnection took over
            }
            LayoutChoice next = list.isEmpty() ? beforeShares.remove(room) : LayoutChoice.presentation(list.get(list.size() - 1)[0]);
            if (list.isEmpty()) {
                shares.remove(room);
            }
            LayoutChoice now = program.state().layout().orElse(null);
            if (now == null || now.kind() != LayoutChoice.Kind.PRESENTATION || !speakerId.equals(now.source())) {
                return; // the host chose another layout meanwhile: it stays
            }
            try {
                program.layout(next);
            } catch (IllegalArgumentException e) { // the layout before presented a speaker who left
                program.layout(LayoutChoice.gallery(1));
            }
            LOG.info("room {}: {} stopped sharing a screen: layout {}", room, speakerId, program.state().layout()
                    .map(LayoutChoice::spec).orElse("?"));
        }
    }
}
