package dev.amphi.transcode.encode;

import dev.amphi.transcode.ffmpeg.FfmpegException;
import dev.amphi.transcode.ffmpeg.NativeObjects;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_GLOBAL_HEADER;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_RANGE_MPEG;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_SPC_SMPTE170M;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_I;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_NONE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_count;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_get;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;

import dev.amphi.media.AvcConfig;
import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import dev.amphi.media.NalUnits;
import dev.amphi.transcode.frame.Picture;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVDictionaryEntry;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One H.264 encoder (x264, OpenH264 or NVENC through avcodec) turning program pictures into AVCC
 * {@link MediaPacket}s on the 90 kHz program clock.
 *
 * <p>Rate control is CBR-like (bitrate = maxrate, VBV buffer = 2 × bitrate bits), no B-frames,
 * no scene-cut keyframes: an IDR comes exactly every {@link EncoderSettings#gopFrames()} frames
 * counted from the previous IDR, and whenever the caller forces one. Two encoders fed the same frames with the same {@code forceIdr} decisions therefore
 * put their IDRs on exactly the same pts, which the HLS ladder relies on. SPS and PPS go to the
 * {@link #config()} (global header), not in-band (an {@link #interactive} encoder repeats them before each IDR too).
 *
 * <p>Output packets carry pts = the input pts (the time base is 1/90000), dts strictly increasing.
 * Packets come out with the encoder's delay (frame threads, lookahead), in decode order.
 *
 * <p>Not thread-safe: one thread encodes; {@link #close()} frees the native encoder.
 */
public final class H264Encoder implements VideoEncoder {

    private static final Logger LOG = LoggerFactory.getLogger(H264Encoder.class);

    static {
        av_log_set_level(AV_LOG_ERROR);
    }

    private final int width;
    private final int height;
    private final EncoderSettings settings;
    private final String name;
    private final AvcConfig config;
    /** Low-latency interactive mode: see {@link #interactive}. */
    private final boolean interactive;
    private AVCodecContext ctx;
    private AVPacket packet;

    private final ArrayDeque<Long> plannedIdrs = new ArrayDeque<>();
    private int framesSinceIdr = -1; // -1: the next frame is the first one and becomes an IDR
    private long lastPts = Long.MIN_VALUE;
    private long lastDts = Long.MIN_VALUE;
    private boolean flushed;
    private long framesIn;
    private long packetsOut;
    private long bytesOut;
    private long idrsOut;
    private long misplacedIdrs;

    /**
     * Opens the encoder.
     *
     * @param width   even, 16..7680
     * @param height  even, 16..7680
     * @param bitrate target bitrate, bit/s
     * @throws IllegalArgumentException for a bad size or bitrate
     * @throws IllegalStateException    when the codec is not in this FFmpeg build or does not open
     *                                  here (e.g. {@code h264_nvenc} without an NVIDIA GPU)
     */
    public H264Encoder(int width, int height, int bitrate, EncoderSettings s) {
        this(width, height, bitrate, s, false);
    }

    /**
     * A libx264 encoder for real-time viewers (WebRTC): Constrained Baseline, {@code tune=zerolatency}
     * (no lookahead, no frame-thread delay: one packet out per frame in), one thread, a GOP of
     * {@code gopFrames} (and an IDR whenever forced), and SPS and PPS in band before every IDR as
     * well as in the {@link #config()}.
     *
     * @param preset an x264 preset, e.g. {@code veryfast}
     */
    public static H264Encoder interactive(int width, int height, int bitrate, String preset, int fps, int gopFrames) {
        return new H264Encoder(width, height, bitrate, new EncoderSettings(VideoCodec.LIBX264, preset, fps, gopFrames, 1),
                true);
    }

    private H264Encoder(int width, int height, int bitrate, EncoderSettings s, boolean interactive) {
        this.interactive = interactive;
        if (width < 16 || height < 16 || width > 7680 || height > 7680 || ((width | height) & 1) != 0) {
            throw new IllegalArgumentException("encoder size must be even and within 16..7680, got " + width + "x" + height);
        }
        if (bitrate <= 0) {
            throw new IllegalArgumentException("encoder bitrate must be positive, got " + bitrate);
        }
        this.width = width;
        this.height = height;
        this.settings = java.util.Objects.requireNonNull(s, "settings");
        this.name = s.codec().ffmpegName();
        AVCodec codec = avcodec_find_encoder_by_name(name);
        if (codec == null) {
            throw new IllegalStateException("H.264 encoder " + name + " is not in this FFmpeg build");
        }
        ctx = NativeObjects.codecContext(codec, name);
        AVDictionary opts = new AVDictionary(null);
        try {
            ctx.width(width).height(height).pix_fmt(AV_PIX_FMT_YUV420P);
            ctx.time_base(av_make_q(1, MediaPacket.TIMESCALE));
            ctx.framerate(av_make_q(s.fps(), 1));
            ctx.bit_rate(bitrate);
            ctx.rc_max_rate(bitrate);
            ctx.rc_buffer_size((int) Math.min(Integer.MAX_VALUE, 2L * bitrate));
            ctx.gop_size(s.gopFrames());
            ctx.keyint_min(s.gopFrames());
            ctx.max_b_frames(0);
            ctx.thread_count(s.threads());
            ctx.color_range(AVCOL_RANGE_MPEG);
            ctx.colorspace(AVCOL_SPC_SMPTE170M);
            ctx.flags(ctx.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
            switch (s.codec()) {
                case LIBX264 -> {
                    av_dict_set(opts, "preset", s.preset(), 0);
                    av_dict_set(opts, "forced-idr", "1", 0);
                    av_dict_set(opts, "x264-params", "keyint=" + s.gopFrames() + ":min-keyint=" + s.gopFrames()
                            + ":scenecut=0:bframes=0:open-gop=0", 0);
                    if (interactive) {
                        av_dict_set(opts, "tune", "zerolatency", 0);
                        av_dict_set(opts, "profile", "baseline", 0);
                    }
                }
                case OPENH264 -> {
                    av_dict_set(opts, "rc_mode", "bitrate", 0);
                    av_dict_set(opts, "allow_skip_frames", "0", 0);
                }
                case NVENC -> {
                    av_dict_set(opts, "preset", s.preset(), 0);
                    av_dict_set(opts, "forced-idr", "1", 0);
                    av_dict_set(opts, "rc", "cbr", 0);
                    av_dict_set(opts, "no-scenecut", "1", 0);
                }
            }
            int rc = avcodec_open2(ctx, codec, opts);
            if (rc < 0) {
                String hint = s.codec() == VideoCodec.NVENC ? " (h264_nvenc needs an NVIDIA GPU with its driver on this machine)" : "";
                throw new IllegalStateException("avcodec_open2(" + name + ", " + width + "x" + height + ", preset "
                        + s.preset() + ") failed: " + FfmpegException.describe(rc) + hint);
            }
            if (av_dict_count(opts) > 0) {
                AVDictionaryEntry e = av_dict_get(opts, "", null, 2 /* AV_DICT_IGNORE_SUFFIX */);
                LOG.warn("{} ignored option {}", name, e == null ? "?" : e.key().getString());
            }
            int size = ctx.extradata_size();
            if (ctx.extradata() == null || size <= 0) {
                throw new IllegalStateException(name + " produced no global header (SPS/PPS extradata)");
            }
            byte[] extradata = new byte[size];
            ctx.extradata().get(extradata);
            config = AnnexB.config(extradata);
            packet = NativeObjects.packet();
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        } finally {
            av_dict_free(opts);
        }
    }

    /** The decoder configuration every packet of this encoder refers to. */
    public AvcConfig config() {
        return config;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public EncoderSettings settings() {
        return settings;
    }

    /**
     * Encodes one picture.
     *
     * @param p        a {@code width() x height()} picture; not kept after this call returns
     * @param pts90k   its program time, strictly greater than the previous one
     * @param forceIdr make this frame an IDR (its GOP count restarts here)
     * @return the packets the encoder had ready (possibly none, possibly from earlier frames)
     */
    public List<MediaPacket> encode(Picture p, long pts90k, boolean forceIdr) {
        if (ctx == null) {
            throw new IllegalStateException("encoder is closed");
        }
        if (flushed) {
            throw new IllegalStateException("encoder was flushed; open a new one");
        }
        if (p.width() != width || p.height() != height) {
            throw new IllegalArgumentException("picture is " + p.width() + "x" + p.height() + ", this encoder takes "
                    + width + "x" + height);
        }
        if (pts90k <= lastPts) {
            throw new IllegalArgumentException("pts must increase: " + pts90k + " after " + lastPts);
        }
        boolean idr = forceIdr || framesSinceIdr < 0 || framesSinceIdr + 1 >= settings.gopFrames();
        framesSinceIdr = idr ? 0 : framesSinceIdr + 1;
        if (idr) {
            plannedIdrs.add(pts90k);
        }
        lastPts = pts90k;
        AVFrame f = p.frame();
        int savedType = f.pict_type();
        f.pts(pts90k);
        f.pict_type(idr ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE);
        try {
            FfmpegException.check(avcodec_send_frame(ctx, f), "avcodec_send_frame(" + name + ")");
        } finally {
            f.pict_type(savedType);
        }
        framesIn++;
        List<MediaPacket> out = new ArrayList<>(2);
        drain(out);
        return out;
    }

    /** Drains the encoder at the end of the stream; {@link #encode} may not be called afterwards. */
    public List<MediaPacket> flush() {
        List<MediaPacket> out = new ArrayList<>();
        if (ctx == null || flushed) {
            return out;
        }
        flushed = true;
        FfmpegException.check(avcodec_send_frame(ctx, null), "avcodec_send_frame(" + name + ", flush)");
        drain(out);
        return out;
    }

    private void drain(List<MediaPacket> out) {
        while (true) {
            int rc = avcodec_receive_packet(ctx, packet);
            if (rc == AVERROR_EAGAIN() || rc == AVERROR_EOF) {
                return;
            }
            FfmpegException.check(rc, "avcodec_receive_packet(" + name + ")");
            try {
                MediaPacket mp = toMediaPacket();
                if (mp != null) {
                    out.add(mp);
                }
            } finally {
                av_packet_unref(packet);
            }
        }
    }

    private MediaPacket toMediaPacket() {
        byte[] bytes = new byte[packet.size()];
        packet.data().get(bytes);
        List<byte[]> nals = NalUnits.splitAnnexB(bytes);
        List<byte[]> kept = new ArrayList<>(nals.size() + 2);
        boolean keyframe = false;
        for (byte[] nal : nals) {
            int type = NalUnits.type(nal);
            if (type == NalUnits.SPS || type == NalUnits.PPS || type == NalUnits.AUD) {
                continue; // the configuration carries SPS/PPS; access unit delimiters are optional
            }
            keyframe |= type == NalUnits.IDR;
            kept.add(nal);
        }
        if (kept.isEmpty()) {
            return null;
        }
        if (keyframe && interactive) { // a viewer that joins at this IDR needs nothing else
            List<byte[]> sets = new ArrayList<>(config.sps());
            sets.addAll(config.pps());
            kept.addAll(0, sets);
        }
        long pts = packet.pts();
        long dts = packet.dts() == AV_NOPTS_VALUE ? pts : packet.dts();
        if (dts <= lastDts) {
            dts = lastDts + 1;
        }
        if (pts < dts) {
            pts = dts;
        }
        lastDts = dts;
        checkIdrPlacement(pts, keyframe);
        byte[] avcc = NalUnits.toAvcc(kept);
        packetsOut++;
        bytesOut += avcc.length;
        if (keyframe) {
            idrsOut++;
        }
        return new MediaPacket(MediaKind.VIDEO, config, dts, (int) (pts - dts), keyframe, avcc);
    }

    /** Counts output IDRs that are not where they were planned, and planned ones that did not come. */
    private void checkIdrPlacement(long pts, boolean keyframe) {
        while (!plannedIdrs.isEmpty() && plannedIdrs.peekFirst() < pts) {
            plannedIdrs.pollFirst();
            misplacedIdrs++;
        }
        boolean planned = !plannedIdrs.isEmpty() && plannedIdrs.peekFirst() == pts;
        if (planned) {
            plannedIdrs.pollFirst();
        }
        if (planned != keyframe) {
            misplacedIdrs++;
            if (misplacedIdrs <= 3) {
                LOG.warn("{} {}x{}: frame at pts {} is {}an IDR, planned {}", name, width, height, pts,
                        keyframe ? "" : "not ", planned ? "one" : "none");
            }
        }
    }

    /** Frames given to {@link #encode}. */
    public long framesIn() {
        return framesIn;
    }

    /** Packets returned. */
    public long packetsOut() {
        return packetsOut;
    }

    /** Payload bytes returned (AVCC). */
    public long bytesOut() {
        return bytesOut;
    }

    /** IDR packets returned. */
    public long idrsOut() {
        return idrsOut;
    }

    /** IDRs that came out where none was planned, or planned ones that did not (should stay 0). */
    public long misplacedIdrs() {
        return misplacedIdrs;
    }

    @Override
    public void close() {
        NativeObjects.free(packet);
        packet = null;
        NativeObjects.free(ctx);
        ctx = null;
    }
}
