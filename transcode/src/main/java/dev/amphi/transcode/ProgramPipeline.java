package dev.amphi.transcode;

import dev.amphi.media.MediaPacket;
import dev.amphi.transcode.audio.ActiveSpeakerDetector;
import dev.amphi.transcode.audio.AudioMixer;
import dev.amphi.transcode.encode.AacEncoder;
import dev.amphi.transcode.encode.EncoderSettings;
import dev.amphi.transcode.encode.LadderEncoder;
import dev.amphi.transcode.video.Compositor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The native half of a room's program, opened and ended as one: the compositor, the mixer and the
 * active-speaker detector, the AAC encoder and the video ladder. Opening frees what it already
 * opened when a later step fails; ending flushes and closes every encoder and ends every output
 * even when a step fails. The program thread (or an offline driver) uses the parts between the two.
 */
final class ProgramPipeline {

    private static final Logger LOG = LoggerFactory.getLogger(ProgramPipeline.class);

    final Compositor compositor;
    final AudioMixer mixer;
    final ActiveSpeakerDetector detector;
    final AacEncoder aac;
    final LadderEncoder ladder;
    private final RoomProgramBuilder cfg;
    /** {@link #finish} ran; program thread (or the offline driver). */
    private boolean finished;

    private ProgramPipeline(RoomProgramBuilder cfg, Compositor compositor, AudioMixer mixer, AacEncoder aac,
            LadderEncoder ladder) {
        this.cfg = cfg;
        this.compositor = compositor;
        this.mixer = mixer;
        this.detector = new ActiveSpeakerDetector();
        this.aac = aac;
        this.ladder = ladder;
    }

    /**
     * Opens the compositor, the mixer and the encoders; when a step fails (an encoder that does not
     * open, e.g. {@code h264_nvenc} without a GPU), what the steps before it opened is freed and
     * the failure thrown.
     */
    static ProgramPipeline open(RoomProgramBuilder cfg, EncoderSettings encoderSettings, boolean labels, String layoutSpec) {
        Compositor compositor = null;
        AacEncoder aac = null;
        LadderEncoder ladder = null;
        try {
            compositor = new Compositor(cfg.width, cfg.height);
            compositor.drawLabels(labels);
            AudioMixer mixer = new AudioMixer(cfg.mixLoudest);
            aac = new AacEncoder(cfg.audioBitrate);
            ladder = new LadderEncoder(cfg.room, cfg.width, cfg.height, cfg.ladder, encoderSettings,
                    (rung, packet) -> cfg.output.video(rung).onPacket(packet));
            ProgramPipeline p = new ProgramPipeline(cfg, compositor, mixer, aac, ladder);
            LOG.info("room {}: program {}x{} at {} fps, ladder {}, {} preset {}, audio {} kbit/s, layout {}", cfg.room,
                    cfg.width, cfg.height, cfg.fps, cfg.ladder, cfg.codec.ffmpegName(), encoderSettings.preset(),
                    cfg.audioBitrate / 1000, layoutSpec);
            return p;
        } catch (RuntimeException | Error e) {
            closeAll(e, ladder, aac, compositor);
            throw e;
        }
    }

    /** Frees what was opened before {@code failure} (a failed start); failures here are added to it. */
    void abandon(Throwable failure) {
        finished = true;
        closeAll(failure, ladder, aac, compositor);
    }

    private static void closeAll(Throwable failure, AutoCloseable... steps) {
        for (AutoCloseable step : steps) {
            if (step != null) {
                Throwable t = attempt(null, step::close);
                if (t != null) {
                    failure.addSuppressed(t);
                }
            }
        }
    }

    /**
     * Ends the program, once: flushes and closes every encoder, ends every output and frees the
     * compositor, each step even when one before it failed (a sink that throws, say).
     *
     * @return the first failure, the later ones added to it as suppressed; null when all went well
     */
    Throwable finish() {
        if (finished) {
            return null;
        }
        finished = true;
        Throwable failure = null;
        failure = attempt(failure, ladder::close); // flushes every rung's encoder, frees them all
        failure = attempt(failure, () -> {
            for (MediaPacket p : aac.flush()) {
                cfg.output.audio().onPacket(p);
            }
        });
        failure = attempt(failure, aac::close);
        for (int i = 0; i < cfg.ladder.size(); i++) {
            int rung = i;
            failure = attempt(failure, () -> cfg.output.video(rung).onEnd());
        }
        failure = attempt(failure, () -> cfg.output.audio().onEnd());
        failure = attempt(failure, compositor::close);
        return failure;
    }

    /** Runs {@code step}; a failure becomes the first one, or is added to {@code first} as suppressed. */
    private static Throwable attempt(Throwable first, Step step) {
        try {
            step.run();
            return first;
        } catch (Exception | Error e) {
            if (first == null) {
                return e;
            }
            first.addSuppressed(e);
            return first;
        }
    }

    /** One step of opening or ending the pipeline. */
    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }
}
