package dev.amphi.server;

import dev.amphi.core.room.LayoutChoice;
import dev.amphi.core.room.ProgramControl;
import dev.amphi.core.room.ProgramEvents;
import dev.amphi.core.room.ProgramState;
import java.util.Map;
import java.util.Objects;

/**
 * The interactive core's {@link ProgramControl} bound to the server's composited rooms: a room with
 * a {@link ProgramRoom} is steered through it, any other room passes its publisher through. Every
 * call is lock-free and cheap (HTTP event loops make them).
 */
final class RoomProgramControl implements ProgramControl {

    private final Map<String, ProgramRoom> programs;
    private final Disconnect disconnect;

    /** Closes a room's connections whose speaker id {@code which} accepts; returns how many (any thread). */
    @FunctionalInterface
    interface Disconnect {
        int disconnect(String room, java.util.function.Predicate<String> which, String reason);
    }

    RoomProgramControl(Map<String, ProgramRoom> programs) {
        this(programs, (room, which, reason) -> 0);
    }

    RoomProgramControl(Map<String, ProgramRoom> programs, Disconnect disconnect) {
        this.programs = programs; // the server's live map
        this.disconnect = Objects.requireNonNull(disconnect, "disconnect");
    }

    private ProgramRoom composited(String room, String what) {
        ProgramRoom p = programs.get(Objects.requireNonNull(room, "room"));
        if (p == null) {
            throw new IllegalStateException("room " + room + " passes its publisher through: it has no " + what);
        }
        return p;
    }

    @Override
    public void mute(String room, String speakerId, boolean muted) {
        composited(room, "mix to mute anyone in").mute(Objects.requireNonNull(speakerId, "speakerId"), muted);
    }

    @Override
    public int kick(String room, String speakerId, String reason) {
        ProgramRoom p = composited(room, "speakers to remove");
        String screen = ScreenShares.screenIdOf(speakerId);
        int n = disconnect.disconnect(room, id -> id.equals(speakerId) || id.equals(screen), reason);
        p.leave(speakerId);
        p.leave(screen);
        return n;
    }

    @Override
    public ProgramState state(String room) {
        ProgramRoom p = programs.get(Objects.requireNonNull(room, "room"));
        return p == null ? ProgramState.passthrough() : p.state();
    }

    @Override
    public void layout(String room, LayoutChoice layout) {
        Objects.requireNonNull(layout, "layout");
        ProgramRoom p = programs.get(Objects.requireNonNull(room, "room"));
        if (p == null) {
            throw new IllegalStateException("room " + room + " passes its publisher through: it has no program to lay out");
        }
        p.layout(layout);
    }

    @Override
    public Registration listen(String room, ProgramEvents events) {
        Objects.requireNonNull(events, "events");
        ProgramRoom p = programs.get(Objects.requireNonNull(room, "room"));
        return p == null ? () -> { } : p.listen(events);
    }
}
