package dev.amphi.transcode;

import dev.amphi.transcode.encode.Rung;
import dev.amphi.transcode.encode.VideoCodec;
import dev.amphi.transcode.layout.Layout;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;

final class RoomProgramBuilder implements RoomProgram.Builder {

    final String room;
    int width = 1920;
    int height = 1080;
    int fps = 30;
    Duration segmentDuration = Duration.ofSeconds(2);
    List<Rung> ladder = Rung.defaults();
    int audioBitrate = 128_000;
    VideoCodec codec = VideoCodec.LIBX264;
    String preset;
    int encoderThreads;
    int mixLoudest = 3;
    int maxSpeakers = RoomProgram.MAX_SPEAKERS;
    Layout layout = new Layout.Gallery(1);
    Duration jitter = Duration.ofMillis(200);
    Duration rejoinGrace = Duration.ofSeconds(60);
    /** Null: a real-time clock of the program's own. */
    ProgramClock clock;
    ExecutorService decodeExecutor;
    ProgramOutput output;
    ProgramListener listener = new ProgramListener() { };
    int interactiveWidth = 640;
    int interactiveHeight = 360;
    int interactiveBitrate = 800_000;
    /** {@link #interactiveVideo} was called: a size larger than the canvas is an error, not shrunk to it. */
    boolean interactiveSet;
    /** The second size; 0 x 0: 1280x720 when the canvas is at least that, else none. */
    int interactiveHighWidth;
    int interactiveHighHeight;
    int interactiveHighBitrate = 2_000_000;

    RoomProgramBuilder(String room) {
        Objects.requireNonNull(room, "room");
        if (!room.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("room name must match [A-Za-z0-9_-]{1,64}, got '" + room + "'");
        }
        this.room = room;
    }

    @Override
    public RoomProgram.Builder canvas(int w, int h) {
        if (w < 160 || h < 90 || w > 3840 || h > 2160 || (w & 1) != 0 || (h & 1) != 0) {
            throw new IllegalArgumentException("canvas must be even and within 160x90..3840x2160, got " + w + "x" + h);
        }
        this.width = w;
        this.height = h;
        return this;
    }

    @Override
    public RoomProgram.Builder fps(int fps) {
        if (fps < 1 || fps > 60) {
            throw new IllegalArgumentException("fps must be within 1..60, got " + fps);
        }
        this.fps = fps;
        return this;
    }

    @Override
    public RoomProgram.Builder segmentDuration(Duration d) {
        Objects.requireNonNull(d, "segmentDuration");
        if (d.toMillis() < 500 || d.toSeconds() > 10) {
            throw new IllegalArgumentException("segment duration must be within 0.5..10 s, got " + d);
        }
        this.segmentDuration = d;
        return this;
    }

    @Override
    public RoomProgram.Builder ladder(List<Rung> rungs) {
        Objects.requireNonNull(rungs, "ladder");
        if (rungs.isEmpty() || rungs.size() > 8) {
            throw new IllegalArgumentException("a ladder has 1..8 rungs, got " + rungs.size());
        }
        if (rungs.stream().map(Rung::name).distinct().count() != rungs.size()) {
            throw new IllegalArgumentException("rung names must be distinct, got " + rungs);
        }
        this.ladder = List.copyOf(rungs);
        return this;
    }

    @Override
    public RoomProgram.Builder audioBitrate(int bps) {
        if (bps < 32_000 || bps > 512_000) {
            throw new IllegalArgumentException("audio bitrate must be within 32000..512000 bit/s, got " + bps);
        }
        this.audioBitrate = bps;
        return this;
    }

    @Override
    public RoomProgram.Builder codec(VideoCodec codec) {
        this.codec = Objects.requireNonNull(codec, "codec");
        return this;
    }

    @Override
    public RoomProgram.Builder preset(String preset) {
        this.preset = Objects.requireNonNull(preset, "preset");
        return this;
    }

    @Override
    public RoomProgram.Builder encoderThreads(int threads) {
        if (threads < 0 || threads > 64) {
            throw new IllegalArgumentException("encoderThreads must be within 0..64 (0 = the encoder decides), got " + threads);
        }
        this.encoderThreads = threads;
        return this;
    }

    @Override
    public RoomProgram.Builder mixLoudest(int speakers) {
        if (speakers < 1 || speakers > 16) {
            throw new IllegalArgumentException("mixLoudest must be within 1..16, got " + speakers);
        }
        this.mixLoudest = speakers;
        return this;
    }

    @Override
    public RoomProgram.Builder maxSpeakers(int speakers) {
        if (speakers < 1 || speakers > RoomProgram.MAX_SPEAKERS) {
            throw new IllegalArgumentException("maxSpeakers must be within 1.." + RoomProgram.MAX_SPEAKERS + ", got " + speakers);
        }
        this.maxSpeakers = speakers;
        return this;
    }

    @Override
    public RoomProgram.Builder layout(Layout layout) {
        this.layout = Objects.requireNonNull(layout, "layout");
        return this;
    }

    @Override
    public RoomProgram.Builder jitterBuffer(Duration delay) {
        Objects.requireNonNull(delay, "jitterBuffer");
        if (delay.isNegative() || delay.toMillis() > 5000) {
            throw new IllegalArgumentException("jitter buffer must be within 0..5 s, got " + delay);
        }
        this.jitter = delay;
        return this;
    }

    @Override
    public RoomProgram.Builder rejoinGrace(Duration grace) {
        Objects.requireNonNull(grace, "rejoinGrace");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("rejoin grace must not be negative, got " + grace);
        }
        this.rejoinGrace = grace;
        return this;
    }

    @Override
    public RoomProgram.Builder interactiveVideo(int w, int h, int bitsPerSecond) {
        if (w < 16 || h < 16 || w > 1920 || h > 1080 || (w & 1) != 0 || (h & 1) != 0) {
            throw new IllegalArgumentException("interactive video must be even and within 16x16..1920x1080, got " + w + "x" + h);
        }
        if (bitsPerSecond < 100_000 || bitsPerSecond > 20_000_000) {
            throw new IllegalArgumentException("interactive video bitrate must be within 100000..20000000, got " + bitsPerSecond);
        }
        this.interactiveWidth = w;
        this.interactiveHeight = h;
        this.interactiveBitrate = bitsPerSecond;
        this.interactiveSet = true;
        return this;
    }

    @Override
    public RoomProgram.Builder interactiveHighVideo(int w, int h, int bitsPerSecond) {
        if (w < 16 || h < 16 || w > 1920 || h > 1080 || (w & 1) != 0 || (h & 1) != 0) {
            throw new IllegalArgumentException("interactive high video must be even and within 16x16..1920x1080, got "
                    + w + "x" + h);
        }
        if (bitsPerSecond < 100_000 || bitsPerSecond > 20_000_000) {
            throw new IllegalArgumentException("interactive high video bitrate must be within 100000..20000000, got "
                    + bitsPerSecond);
        }
        this.interactiveHighWidth = w;
        this.interactiveHighHeight = h;
        this.interactiveHighBitrate = bitsPerSecond;
        return this;
    }

    @Override
    public RoomProgram.Builder clock(ProgramClock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    @Override
    public RoomProgram.Builder decodeExecutor(ExecutorService executor) {
        this.decodeExecutor = Objects.requireNonNull(executor, "decodeExecutor");
        return this;
    }

    @Override
    public RoomProgram.Builder output(ProgramOutput output) {
        this.output = Objects.requireNonNull(output, "output");
        return this;
    }

    @Override
    public RoomProgram.Builder listener(ProgramListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    @Override
    public RoomProgram build() {
        if (output == null) {
            throw new IllegalStateException("a room program needs an output");
        }
        long gop90k = segmentDuration.toNanos() * 9 / 100_000;
        if (gop90k * fps % 90_000 != 0) {
            throw new IllegalStateException("segment duration " + segmentDuration + " is not a whole number of frames at " + fps + " fps");
        }
        if (!interactiveSet && (interactiveWidth > width || interactiveHeight > height)) {
            interactiveWidth = width; // a canvas smaller than the default size: the canvas as it is
            interactiveHeight = height;
        }
        if (interactiveWidth > width || interactiveHeight > height) {
            throw new IllegalStateException("interactive video " + interactiveWidth + "x" + interactiveHeight
                    + " is larger than the " + width + "x" + height + " canvas");
        }
        if (interactiveHighWidth > width || interactiveHighHeight > height) {
            throw new IllegalStateException("interactive high video " + interactiveHighWidth + "x" + interactiveHighHeight
                    + " is larger than the " + width + "x" + height + " canvas");
        }
        for (var r : ladder) {
            if (r.width() > width || r.height() > height) {
                throw new IllegalStateException("rung " + r + " is larger than the " + width + "x" + height + " canvas");
            }
        }
        return new DefaultRoomProgram(this);
    }
}
