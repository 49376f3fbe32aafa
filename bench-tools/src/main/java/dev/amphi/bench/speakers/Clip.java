package dev.amphi.bench.speakers;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_OPUS;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;

import dev.amphi.media.AacConfig;
import dev.amphi.media.AvcConfig;
import dev.amphi.media.CodecConfig;
import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import dev.amphi.media.OpusConfig;
import dev.amphi.transcode.ffmpeg.FfmpegException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.javacpp.PointerPointer;

/**
 * The pre-encoded media every light speaker sends, read into memory once: an H.264 stream and,
 * for talking and for silent speakers, Opus (WebRTC) and AAC (RTMP) of the same sound. The file
 * ({@code bench/webrtc-load.sh} makes it with the ffmpeg CLI) holds, in this order, the video, the
 * tone as Opus and as AAC, silence as Opus and as AAC. Timestamps are 90 kHz from 0; the clip loops
 * after {@link #duration()}.
 */
final class Clip {

    final List<MediaPacket> video = new ArrayList<>();
    final List<MediaPacket> opusTone = new ArrayList<>();
    final List<MediaPacket> aacTone = new ArrayList<>();
    final List<MediaPacket> opusSilence = new ArrayList<>();
    final List<MediaPacket> aacSilence = new ArrayList<>();
    AvcConfig avc;
    AacConfig aac;
    private long duration;

    /** The loop length, 90 kHz: the video's span plus one frame. */
    long duration() {
        return duration;
    }

    static Clip load(Path file) {
        Clip clip = new Clip();
        AVFormatContext fmt = new AVFormatContext(null);
        FfmpegException.check(avformat_open_input(fmt, file.toString(), null, (AVDictionary) null), "open " + file);
        AVPacket pkt = av_packet_alloc();
        try {
            FfmpegException.check(avformat_find_stream_info(fmt, (PointerPointer<?>) null), "stream info " + file);
            int n = fmt.nb_streams();
            List<List<MediaPacket>> into = new ArrayList<>();
            CodecConfig[] configs = new CodecConfig[n];
            List<List<MediaPacket>> audio = new ArrayList<>(List.of(clip.opusTone, clip.aacTone, clip.opusSilence, clip.aacSilence));
            int audioSeen = 0;
            for (int i = 0; i < n; i++) {
                AVCodecParameters p = fmt.streams(i).codecpar();
                byte[] extra = new byte[Math.max(0, p.extradata_size())];
                if (extra.length > 0) {
                    p.extradata().get(extra);
                }
                if (p.codec_id() == AV_CODEC_ID_H264) {
                    clip.avc = AvcConfig.parse(extra);
                    configs[i] = clip.avc;
                    into.add(clip.video);
                } else if (p.codec_id() == AV_CODEC_ID_AAC || p.codec_id() == AV_CODEC_ID_OPUS) {
                    boolean isAac = p.codec_id() == AV_CODEC_ID_AAC;
                    configs[i] = isAac ? AacConfig.parse(extra) : new OpusConfig(p.ch_layout().nb_channels());
                    if (isAac) {
                        clip.aac = (AacConfig) configs[i];
                    }
                    int k = audioSeen++;
                    if (k >= audio.size() || (k % 2 == 1) != isAac) {
                        throw new IllegalArgumentException(file + ": audio stream " + k + " is not the expected "
                                + (k % 2 == 1 ? "AAC" : "Opus") + " (order: Opus tone, AAC tone, Opus silence, AAC silence)");
                    }
                    into.add(audio.get(k));
                } else {
                    into.add(null);
                }
            }
            while (av_read_frame(fmt, pkt) >= 0) {
                try {
                    int si = pkt.stream_index();
                    if (into.get(si) == null || pkt.size() <= 0) {
                        continue;
                    }
                    AVStream st = fmt.streams(si);
                    long dts = to90k(pkt.dts() != AV_NOPTS_VALUE ? pkt.dts() : pkt.pts(), st);
                    long pts = to90k(pkt.pts() != AV_NOPTS_VALUE ? pkt.pts() : pkt.dts(), st);
                    byte[] data = new byte[pkt.size()];
                    pkt.data().get(data);
                    MediaKind kind = configs[si].kind();
                    boolean key = kind == MediaKind.AUDIO || (pkt.flags() & AV_PKT_FLAG_KEY) != 0;
                    into.get(si).add(new MediaPacket(kind, configs[si], dts, (int) (pts - dts), key, data));
                } finally {
                    av_packet_unref(pkt);
                }
            }
        } finally {
            av_packet_free(pkt);
            avformat_close_input(fmt);
        }
        if (clip.avc == null || clip.aac == null || clip.video.size() < 2 || clip.opusTone.isEmpty()
                || clip.opusSilence.isEmpty() || clip.aacSilence.isEmpty()) {
            throw new IllegalArgumentException(file + " lacks H.264 video or the four audio streams (Opus/AAC tone, Opus/AAC silence)");
        }
        long first = clip.video.get(0).dts();
        long frame = clip.video.get(1).dts() - first;
        clip.duration = clip.video.get(clip.video.size() - 1).dts() - first + frame;
        return clip;
    }

    private static long to90k(long t, AVStream st) {
        return t * MediaPacket.TIMESCALE * st.time_base().num() / st.time_base().den();
    }
}
