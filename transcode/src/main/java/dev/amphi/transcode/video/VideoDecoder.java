package dev.amphi.transcode.video;

import dev.amphi.transcode.ffmpeg.FfmpegException;

import static org.bytedeco.ffmpeg.global.avcodec.AVDISCARD_ALL;
import static org.bytedeco.ffmpeg.global.avcodec.AVDISCARD_DEFAULT;
import static org.bytedeco.ffmpeg.global.avcodec.AVDISCARD_NONREF;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_VP8;
import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_new_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_flush_buffers;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_mallocz;

import dev.amphi.media.AvcConfig;
import dev.amphi.media.CodecConfig;
import dev.amphi.media.MediaPacket;
import dev.amphi.media.Vp8Config;
import dev.amphi.transcode.ffmpeg.NativeObjects;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;

/**
 * One FFmpeg video decoder for one video {@link CodecConfig}, chosen by it: H.264 for an
 * {@link AvcConfig} (AVCC packets, the record as extradata), VP8 for a {@link Vp8Config} (one VP8
 * frame per packet, no extradata; libavcodec's native decoder). YUV frames out. Owns its
 * {@link AVCodecContext}, {@link AVPacket} and {@link AVFrame}; one owner thread; {@link #close()}
 * frees them. Runs single-threaded (a room decodes many small streams at once, so parallelism comes
 * from running speakers side by side, and a single thread adds no frame delay).
 */
final class VideoDecoder implements AutoCloseable {

    private final CodecConfig config;
    private final String name;
    private AVCodecContext ctx;
    private AVPacket packet;
    private AVFrame frame;
    private boolean reduced;

    /**
     * Opens a decoder for {@code config}.
     *
     * @throws FfmpegException when FFmpeg refuses the configuration
     * @throws IllegalArgumentException for an audio configuration
     */
    VideoDecoder(CodecConfig config) {
        this.config = config;
        if (!(config instanceof AvcConfig || config instanceof Vp8Config)) {
            throw new IllegalArgumentException("not a video configuration: " + config);
        }
        this.name = config instanceof AvcConfig ? "h264" : "vp8";
        try {
            AVCodec codec = avcodec_find_decoder(config instanceof AvcConfig ? AV_CODEC_ID_H264 : AV_CODEC_ID_VP8);
            if (codec == null) {
                throw new IllegalStateException("this FFmpeg build has no " + name + " decoder");
            }
            ctx = NativeObjects.codecContext(codec, "the " + name + " decoder");
            byte[] record = config.record();
            if (record.length > 0) {
                BytePointer extradata = new BytePointer(av_mallocz(record.length + AV_INPUT_BUFFER_PADDING_SIZE));
                extradata.put(record, 0, record.length);
                ctx.extradata(extradata).extradata_size(record.length); // freed by avcodec_free_context
            }
            ctx.thread_count(1);
            ctx.pkt_timebase(av_make_q(1, MediaPacket.TIMESCALE));
            FfmpegException.checkDecoder(avcodec_open2(ctx, codec, (AVDictionary) null), "avcodec_open2(" + name + ")");
            packet = NativeObjects.packet();
            frame = NativeObjects.frame();
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    CodecConfig config() {
        return config;
    }

    /**
     * Skips work a small tile hides: the deblocking filter ({@code skip_loop_filter = ALL}) and
     * non-reference frames ({@code skip_frame = NONREF}). Takes effect from the next packet. Both
     * decoders honour both: H.264 by {@code nal_ref_idc}, VP8 by the frame header's refresh flags
     * (a frame that updates none of the last, golden and altref buffers).
     */
    void reduced(boolean on) {
        if (on != reduced) {
            reduced = on;
            ctx.skip_loop_filter(on ? AVDISCARD_ALL : AVDISCARD_DEFAULT);
            ctx.skip_frame(on ? AVDISCARD_NONREF : AVDISCARD_DEFAULT);
        }
    }

    boolean reduced() {
        return reduced;
    }

    /**
     * Decodes one packet whose presentation time on the program clock is {@code programPts}, handing
     * every frame that comes out (its {@code pts} on the program clock) to {@code sink}; the frame
     * is only valid during the call.
     *
     * @throws FfmpegException when the decoder rejects the packet (a corrupt bitstream)
     * @throws OutOfMemoryError when FFmpeg could not allocate memory for it ({@code ENOMEM}): not
     *                          the packet's fault, and not to be counted as a bad packet
     */
    void decode(MediaPacket video, long programPts, Consumer<AVFrame> sink) {
        byte[] data = video.data();
        FfmpegException.checkDecoder(av_new_packet(packet, data.length), "av_new_packet");
        try {
            packet.data().put(data, 0, data.length);
            packet.pts(programPts);
            packet.dts(programPts - video.compositionOffset());
            packet.flags(video.keyframe() ? AV_PKT_FLAG_KEY : 0);
            int rc = avcodec_send_packet(ctx, packet);
            if (rc == FfmpegException.EAGAIN) {
                drain(sink); // cannot happen with one packet in, all frames out; be safe
                rc = avcodec_send_packet(ctx, packet);
            }
            FfmpegException.checkDecoder(rc, "avcodec_send_packet(" + name + ")");
        } finally {
            av_packet_unref(packet);
        }
        drain(sink);
    }

    private void drain(Consumer<AVFrame> sink) {
        while (true) {
            int rc = avcodec_receive_frame(ctx, frame);
            if (rc == FfmpegException.EAGAIN || rc == AVERROR_EOF) {
                return;
            }
            FfmpegException.checkDecoder(rc, "avcodec_receive_frame(" + name + ")");
            try {
                long pts = frame.best_effort_timestamp();
                frame.pts(pts == AV_NOPTS_VALUE ? frame.pts() : pts);
                sink.accept(frame);
            } finally {
                av_frame_unref(frame);
            }
        }
    }

    /** Drops the decoder's reference frames and queued output (the next packet should be a keyframe). */
    void flush() {
        avcodec_flush_buffers(ctx);
    }

    @Override
    public void close() {
        NativeObjects.free(frame);
        frame = null;
        NativeObjects.free(packet);
        packet = null;
        NativeObjects.free(ctx);
        ctx = null;
    }

    /**
     * Whether an AVCC access unit holds a slice other pictures may refer to (a NAL unit with a
     * non-zero {@code nal_ref_idc}, ITU-T H.264 7.4.1); a malformed one counts as a reference.
     */
    static boolean isReference(byte[] data, int lengthSize) {
        int i = 0;
        boolean sawSlice = false;
        while (i + lengthSize < data.length) {
            long len = 0;
            for (int k = 0; k < lengthSize; k++) {
                len = (len << 8) | (data[i + k] & 0xff);
            }
            i += lengthSize;
            if (len <= 0 || i + len > data.length) {
                return true;
            }
            int header = data[i] & 0xff;
            int type = header & 0x1f;
            if (type >= 1 && type <= 5) {
                sawSlice = true;
                if ((header & 0x60) != 0) {
                    return true;
                }
            }
            i += (int) len;
        }
        return !sawSlice;
    }
}
