package dev.amphi.transcode.ffmpeg;

import java.nio.charset.StandardCharsets;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * A failed FFmpeg call: the message names the call and FFmpeg's own text for the error code, e.g.
 * {@code avcodec_send_packet failed: Invalid data found when processing input (-1094995529)}.
 */
public final class FfmpegException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** {@code AVERROR(EAGAIN)} on Linux: the codec wants the other call (send/receive) first. */
    public static final int EAGAIN = -11;
    /** {@code AVERROR(ENOMEM)} on Linux: FFmpeg could not allocate memory. */
    public static final int ENOMEM = -12;

    private final int code;

    public FfmpegException(String call, int code) {
        super(call + " failed: " + describe(code));
        this.code = code;
    }

    /** The call's (negative) return code. */
    public int code() {
        return code;
    }

    /** Returns {@code rc} when it is not negative, else throws naming {@code call}. */
    public static int check(int rc, String call) {
        if (rc < 0) {
            throw new FfmpegException(call, rc);
        }
        return rc;
    }

    /**
     * As {@link #check}, for a decoder's calls on a packet: {@code ENOMEM} throws an
     * {@link OutOfMemoryError} naming {@code call} instead, because running out of memory is not
     * the packet's fault and must not be counted and skipped as a bad packet.
     */
    public static int checkDecoder(int rc, String call) {
        if (rc == ENOMEM) {
            throw new OutOfMemoryError(call + " failed: " + describe(rc));
        }
        return check(rc, call);
    }

    /** FFmpeg's text for an error code, followed by the code in parentheses. */
    public static String describe(int rc) {
        byte[] buf = new byte[256];
        if (avutil.av_strerror(rc, buf, buf.length) < 0) {
            return "error " + rc;
        }
        int n = 0;
        while (n < buf.length && buf[n] != 0) {
            n++;
        }
        return new String(buf, 0, n, StandardCharsets.UTF_8) + " (" + rc + ")";
    }
}
