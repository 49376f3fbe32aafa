package dev.amphi.server;

import dev.amphi.transcode.RoomProgram;
import dev.amphi.transcode.encode.Rung;
import dev.amphi.transcode.encode.VideoCodec;
import dev.amphi.transcode.layout.Layout;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How rooms turn their publishers into a program.
 *
 * @param defaultMode      mode of every room not listed in {@code passthroughRooms}
 * @param passthroughRooms rooms that repackage their one publisher's own H.264/AAC instead of compositing
 * @param demoSpeakers     synthetic speakers started in the lobby (0: none)
 * @param canvasWidth      composited picture width
 * @param canvasHeight     composited picture height
 * @param fps              program frame rate
 * @param ladder           video rungs, highest first
 * @param codec            H.264 encoder
 * @param preset           encoder preset; empty: chosen from the machine's core count
 * @param layout           layout a program starts with
 * @param mixLoudest       loudest speakers mixed
 * @param maxSpeakers      speakers admitted per room
 * @param audioBitrate     AAC bitrate of the program, bit/s
 */
public record ProgramConfig(RoomMode defaultMode, Set<String> passthroughRooms, int demoSpeakers, int canvasWidth,
                            int canvasHeight, int fps, List<Rung> ladder, VideoCodec codec, Optional<String> preset,
                            Layout layout, int mixLoudest, int maxSpeakers, int audioBitrate) {

    /** What a room does with its publishers. */
    public enum RoomMode {
        /** Every publisher is a speaker; the room's program is composited and encoded into the ladder. */
        COMPOSITE,
        /** One publisher at a time; its own H.264/AAC is repackaged as is. */
        PASSTHROUGH
    }

    public ProgramConfig {
        Objects.requireNonNull(defaultMode, "defaultMode");
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(preset, "preset");
        Objects.requireNonNull(layout, "layout");
        passthroughRooms = Set.copyOf(passthroughRooms);
        ladder = List.copyOf(ladder);
        if (demoSpeakers < 0 || demoSpeakers > RoomProgram.MAX_SPEAKERS) {
            throw new IllegalArgumentException("--demo must be between 0 and " + RoomProgram.MAX_SPEAKERS + ", was " + demoSpeakers);
        }
        if (ladder.isEmpty()) {
            throw new IllegalArgumentException("--ladder needs at least one rung");
        }
        for (Rung r : ladder) {
            if (r.width() > canvasWidth || r.height() > canvasHeight) {
                throw new IllegalArgumentException("--ladder rung " + r + " is larger than the " + canvasWidth + "x" + canvasHeight + " canvas");
            }
        }
        if (maxSpeakers < 1 || maxSpeakers > RoomProgram.MAX_SPEAKERS) {
            throw new IllegalArgumentException("--max-speakers must be between 1 and " + RoomProgram.MAX_SPEAKERS + ", was " + maxSpeakers);
        }
        if (demoSpeakers > maxSpeakers) {
            throw new IllegalArgumentException("--demo " + demoSpeakers + " is more than --max-speakers " + maxSpeakers);
        }
    }

    /** The mode of room {@code name}. */
    public RoomMode modeOf(String name) {
        return passthroughRooms.contains(name) ? RoomMode.PASSTHROUGH : defaultMode;
    }

    /** Fills a program builder with these settings. */
    RoomProgram.Builder apply(RoomProgram.Builder b) {
        b.canvas(canvasWidth, canvasHeight).fps(fps).ladder(ladder).codec(codec).layout(layout)
                .mixLoudest(mixLoudest).maxSpeakers(maxSpeakers).audioBitrate(audioBitrate);
        preset.ifPresent(b::preset);
        return b;
    }
}
