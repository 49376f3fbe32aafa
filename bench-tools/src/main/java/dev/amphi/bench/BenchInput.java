package dev.amphi.bench;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_seek_file;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;

import dev.amphi.media.AacConfig;
import dev.amphi.media.AvcConfig;
import dev.amphi.media.CodecConfig;
import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import dev.amphi.transcode.ffmpeg.FfmpegException;
import java.nio.file.Path;
import java.util.Arrays;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.javacpp.PointerPointer;

/**
 * One recorded speaker for {@link ProgramBench}: its file's H.264 and AAC packets, demuxed from disk
 * while the program runs (as the FFmpeg CLI reads its inputs), looped without end as the CLI's
 * {@code -stream_loop -1} does: at the end of the file it seeks back to the start and shifts the
 * timestamps by the file's duration. Timestamps stay on the file's own timeline (90 kHz), so audio
 * and video keep the sync the file has. One thread at a time; {@link #close()} frees the demuxer.
 */
final class BenchInput implements AutoCloseable {

    private final Path file;
    private AVFormatContext fmt;
    private final AVPacket pkt;
    private final CodecConfig[] configs;
    /** Per stream: smallest and largest pts of the first pass, and the duration of its last packet (90 kHz). */
    private final long[] minPts;
    private final long[] maxPts;
    private final long[] lastDuration;
    private long loopOffset;
    private long loopDuration = -1;
    private MediaPacket next;
    private final long firstDts;

    /**
     * Opens {@code file} and reads its first packet.
     *
     * @throws FfmpegException when FFmpeg cannot open or read it
     * @throws IllegalArgumentException when it has no H.264 or AAC stream
     */
    BenchInput(Path file) {
        this.file = file;
        AVFormatContext ctx = new AVFormatContext(null);
        FfmpegException.check(avformat_open_input(ctx, file.toString(), null, (AVDictionary) null),
                "avformat_open_input(" + file + ")");
        this.fmt = ctx;
        this.pkt = av_packet_alloc();
        try {
            FfmpegException.check(avformat_find_stream_info(fmt, (PointerPointer<?>) null), "avformat_find_stream_info(" + file + ")");
            int n = fmt.nb_streams();
            configs = new CodecConfig[n];
            minPts = new long[n];
            maxPts = new long[n];
            lastDuration = new long[n];
            Arrays.fill(minPts, Long.MAX_VALUE);
            Arrays.fill(maxPts, Long.MIN_VALUE);
            boolean any = false;
            for (int i = 0; i < n; i++) {
                AVCodecParameters p = fmt.streams(i).codecpar();
                byte[] extra = new byte[Math.max(0, p.extradata_size())];
                if (extra.length > 0) {
                    p.extradata().get(extra);
                }
                if (p.codec_id() == AV_CODEC_ID_H264) {
                    configs[i] = AvcConfig.parse(extra);
                } else if (p.codec_id() == AV_CODEC_ID_AAC) {
                    configs[i] = AacConfig.parse(extra);
                }
                any |= configs[i] != null;
            }
            if (!any) {
                throw new IllegalArgumentException(file + " has no H.264 or AAC stream");
            }
            next = read();
            if (next == null) {
                throw new IllegalArgumentException(file + " has no H.264 or AAC packet");
            }
            firstDts = next.dts();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Decode time of the next packet, 90 kHz, on the file's timeline (loops add the file's duration). */
    long nextDts() {
        return next.dts();
    }

    /** Decode time of the file's first packet, 90 kHz: where a speaker's timeline is anchored. */
    long firstDts() {
        return firstDts;
    }

    /** The next packet; never null (the file loops). */
    MediaPacket take() {
        MediaPacket p = next;
        MediaPacket after = read();
        if (after == null) { // end of the file: back to its start, one duration later
            if (loopDuration < 0) {
                long d = 1;
                for (int i = 0; i < configs.length; i++) {
                    if (maxPts[i] >= minPts[i]) {
                        d = Math.max(d, maxPts[i] - minPts[i] + lastDuration[i]);
                    }
                }
                loopDuration = d;
            }
            long start = fmt.start_time() == AV_NOPTS_VALUE ? 0 : fmt.start_time();
            FfmpegException.check(avformat_seek_file(fmt, -1, Long.MIN_VALUE, start, start, 0), "avformat_seek_file(" + file + ")");
            loopOffset += loopDuration;
            after = read();
            if (after == null) {
                throw new IllegalStateException(file + ": nothing to read after seeking back to its start");
            }
        }
        next = after;
        return p;
    }

    /** The next H.264 or AAC packet of the file, or null at its end. */
    private MediaPacket read() {
        while (true) {
            int r = av_read_frame(fmt, pkt);
            if (r == AVERROR_EOF) {
                return null;
            }
            FfmpegException.check(r, "av_read_frame(" + file + ")");
            try {
                int si = pkt.stream_index();
                CodecConfig config = si < configs.length ? configs[si] : null;
                if (config == null || pkt.size() <= 0) {
                    continue;
                }
                AVStream st = fmt.streams(si);
                long dts = to90k(pkt.dts() != AV_NOPTS_VALUE ? pkt.dts() : pkt.pts(), st);
                long pts = to90k(pkt.pts() != AV_NOPTS_VALUE ? pkt.pts() : pkt.dts(), st);
                if (loopDuration < 0) {
                    minPts[si] = Math.min(minPts[si], pts);
                    maxPts[si] = Math.max(maxPts[si], pts);
                    lastDuration[si] = to90k(pkt.duration(), st);
                }
                byte[] data = new byte[pkt.size()];
                pkt.data().get(data);
                MediaKind kind = config.kind();
                boolean key = kind == MediaKind.AUDIO || (pkt.flags() & AV_PKT_FLAG_KEY) != 0;
                return new MediaPacket(kind, config, loopOffset + dts, (int) (pts - dts), key, data);
            } finally {
                av_packet_unref(pkt);
            }
        }
    }

    private static long to90k(long t, AVStream st) {
        return t * MediaPacket.TIMESCALE * st.time_base().num() / st.time_base().den();
    }

    @Override
    public void close() {
        if (fmt != null) {
            avformat_close_input(fmt);
            fmt = null;
        }
        if (pkt != null && !pkt.isNull()) {
            av_packet_free(pkt);
        }
    }
}
