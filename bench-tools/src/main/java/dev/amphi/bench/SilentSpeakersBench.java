package dev.amphi.bench;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLT;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_copy;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;

import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import dev.amphi.media.OpusConfig;
import dev.amphi.transcode.audio.AudioMixer;
import dev.amphi.transcode.audio.SpeakerAudio;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.FloatPointer;

/**
 * What the WebRTC audio-level hint saves in a big room's audio: N Opus speakers (20 ms packets,
 * mono, as browsers send them), of whom K talk (a tone, level -20 dBov) and the rest sit at a
 * quiet microphone's noise floor (about -80 dBov, said by their packets' level), decoded into
 * their {@link SpeakerAudio} rings and mixed by the room's {@link AudioMixer}, packet by packet as
 * the program would, on one thread. Run twice over the same packets: without the levels (every
 * packet decoded, as an RTMP speaker is) and with them. Prints the thread CPU time per second of
 * room audio for both, and the counters.
 *
 * <p>Run: {@code java -cp bench-tools/target/amphi-bench.jar dev.amphi.bench.SilentSpeakersBench [N [K [SECONDS]]]}
 * (default 300 speakers, 3 talking, 10 s).
 */
public final class SilentSpeakersBench {

    private static final int FRAME = 960;
    private static final int TALK_LEVEL = 20;
    private static final int QUIET_LEVEL = 80;

    private SilentSpeakersBench() {
    }

    public static void main(String[] args) {
        int speakers = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int talking = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        if (speakers < 1 || talking < 0 || talking > speakers || seconds < 1) {
            throw new IllegalArgumentException("usage: SilentSpeakersBench [speakers >= 1 [talking <= speakers [seconds >= 1]]]");
        }
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        int packets = seconds * 50;
        List<MediaPacket> talk = encode(packets, i -> 0.1 * Math.sin(2 * Math.PI * 440 * i / 48_000.0));
        Random noise = new Random(1);
        List<MediaPacket> quiet = encode(packets, i -> 0.0002 * noise.nextGaussian());
        System.out.printf(Locale.ROOT, "%d Opus speakers (%d talking), %d s of room audio, %d cores%n",
                speakers, talking, seconds, Runtime.getRuntime().availableProcessors());
        run("warm-up", speakers, talking, Math.min(packets, 100), talk, quiet, false);
        double without = run("levels ignored", speakers, talking, packets, talk, quiet, false);
        double with = run("levels used", speakers, talking, packets, talk, quiet, true);
        System.out.printf(Locale.ROOT, "the audio-level hint saves %.0f%% of the room's audio CPU (%.3f -> %.3f cores)%n",
                100 * (1 - with / without), without, with);
    }

    /** Decodes and mixes the room once; returns CPU seconds per second of audio. */
    private static double run(String name, int speakers, int talking, int packets, List<MediaPacket> talk,
                              List<MediaPacket> quiet, boolean levels) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        List<SpeakerAudio> room = new ArrayList<>();
        for (int s = 0; s < speakers; s++) {
            room.add(new SpeakerAudio("s" + s));
        }
        AudioMixer mixer = new AudioMixer();
        float[] out = new float[2 * FRAME];
        long cpu0 = mx.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        for (int i = 0; i < packets; i++) {
            for (int s = 0; s < speakers; s++) {
                boolean talks = s < talking;
                MediaPacket p = (talks ? talk : quiet).get(i);
                if (levels) {
                    p = p.withAudioLevel(talks ? TALK_LEVEL : QUIET_LEVEL);
                }
                room.get(s).onPacket(p, p.pts());
            }
            mixer.mix(room, (long) i * FRAME, FRAME, out);
        }
        double cpu = (mx.getCurrentThreadCpuTime() - cpu0) / 1e9;
        double wall = (System.nanoTime() - wall0) / 1e9;
        long decoded = room.stream().mapToLong(SpeakerAudio::decodedFrames).sum();
        long skipped = room.stream().mapToLong(SpeakerAudio::silentSkips).sum();
        long errors = room.stream().mapToLong(SpeakerAudio::errors).sum();
        room.forEach(SpeakerAudio::close);
        double audioSeconds = packets * (double) FRAME / 48_000;
        System.out.printf(Locale.ROOT, "%-15s cpu %.2f s, wall %.2f s for %.0f s of audio: %.3f cores; decoded %d, skipped %d, errors %d, mixed %s%n",
                name, cpu, wall, audioSeconds, cpu / audioSeconds, decoded, skipped, errors, mixer.mixed());
        return cpu / audioSeconds;
    }

    /** 20 ms mono Opus packets (libopus, 32 kbit/s) of the signal {@code sample(i)}. */
    private static List<MediaPacket> encode(int packets, java.util.function.LongToDoubleFunction sample) {
        AVCodec codec = avcodec_find_encoder_by_name("libopus");
        if (codec == null) {
            throw new IllegalStateException("this FFmpeg build has no libopus encoder");
        }
        AVCodecContext ctx = avcodec_alloc_context3(codec);
        AVFrame frame = av_frame_alloc();
        AVPacket pkt = av_packet_alloc();
        OpusConfig config = new OpusConfig(1);
        List<MediaPacket> out = new ArrayList<>();
        try {
            ctx.sample_rate(48_000).sample_fmt(AV_SAMPLE_FMT_FLT).bit_rate(32_000);
            av_channel_layout_default(ctx.ch_layout(), 1);
            check(avcodec_open2(ctx, codec, (AVDictionary) null), "avcodec_open2(libopus)");
            frame.format(AV_SAMPLE_FMT_FLT).nb_samples(FRAME).sample_rate(48_000);
            check(av_channel_layout_copy(frame.ch_layout(), ctx.ch_layout()), "av_channel_layout_copy");
            check(av_frame_get_buffer(frame, 0), "av_frame_get_buffer");
            float[] pcm = new float[FRAME];
            for (int i = 0; out.size() < packets; i++) {
                for (int k = 0; k < FRAME; k++) {
                    pcm[k] = (float) sample.applyAsDouble((long) i * FRAME + k);
                }
                check(av_frame_make_writable(frame), "av_frame_make_writable");
                new FloatPointer(frame.data(0)).put(pcm, 0, FRAME);
                frame.pts((long) i * FRAME);
                check(avcodec_send_frame(ctx, frame), "avcodec_send_frame");
                while (avcodec_receive_packet(ctx, pkt) >= 0) {
                    byte[] data = new byte[pkt.size()];
                    pkt.data().get(data);
                    long dts = (long) out.size() * FRAME * MediaPacket.TIMESCALE / OpusConfig.SAMPLE_RATE;
                    out.add(new MediaPacket(MediaKind.AUDIO, config, dts, 0, true, data));
                    av_packet_unref(pkt);
                }
            }
        } finally {
            av_packet_free(pkt);
            av_frame_free(frame);
            avcodec_free_context(ctx);
        }
        return out.subList(0, packets);
    }

    private static void check(int rc, String what) {
        if (rc < 0) {
            throw new IllegalStateException(what + " failed: " + rc);
        }
    }
}
