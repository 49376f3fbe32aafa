package dev.amphi.bench;

import dev.amphi.media.AvcConfig;
import dev.amphi.media.MediaPacket;
import dev.amphi.transcode.frame.Picture;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@link ProgramBench} keeps of the first frames of a program for {@code bench/compose.sh}'s
 * PSNR: the canvas as raw YUV 4:2:0 frames ({@code canvas.y4m}, written as the program goes) and
 * each rung's encoded packets as Annex B H.264 ({@code <rung>.h264}, written at the end).
 */
final class BenchCapture implements AutoCloseable {

    private static final byte[] START = {0, 0, 0, 1};

    private final Path dir;
    private final long frames;
    private final long untilPts;
    private final List<String> rungNames;
    private final List<ByteArrayOutputStream> rungs = new ArrayList<>();
    private final OutputStream canvas;
    private byte[] row = new byte[0];
    private long canvasFrames;

    /**
     * Captures the first {@code frames} frames (at {@code fps}) into {@code dir}: the canvas when
     * {@code withCanvas}, and every rung.
     */
    BenchCapture(Path dir, int width, int height, int fps, long frames, List<String> rungNames, boolean withCanvas)
            throws IOException {
        this.dir = dir;
        this.frames = frames;
        this.untilPts = frames * MediaPacket.TIMESCALE / fps;
        this.rungNames = List.copyOf(rungNames);
        for (int i = 0; i < rungNames.size(); i++) {
            rungs.add(new ByteArrayOutputStream());
        }
        Files.createDirectories(dir);
        if (withCanvas) {
            canvas = new BufferedOutputStream(Files.newOutputStream(dir.resolve("canvas.y4m")), 1 << 20);
            canvas.write(String.format(Locale.ROOT, "YUV4MPEG2 W%d H%d F%d:1 Ip A1:1 C420jpeg%n", width, height, fps)
                    .getBytes(StandardCharsets.US_ASCII));
        } else {
            canvas = null;
        }
    }

    /** Program thread: one canvas, in order; those after the first {@code frames} are ignored. */
    void canvas(Picture p) {
        if (canvas == null || canvasFrames >= frames) {
            return;
        }
        canvasFrames++;
        try {
            canvas.write("FRAME\n".getBytes(StandardCharsets.US_ASCII));
            for (int plane = 0; plane < 3; plane++) {
                int pw = plane == 0 ? p.width() : p.width() / 2;
                int ph = plane == 0 ? p.height() : p.height() / 2;
                if (row.length < pw) {
                    row = new byte[pw];
                }
                for (int y = 0; y < ph; y++) {
                    p.data(plane).position((long) y * p.stride(plane)).get(row, 0, pw);
                    canvas.write(row, 0, pw);
                }
                p.data(plane).position(0);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Any encoder thread: one packet of rung {@code index}, kept when it belongs to the first frames. */
    void rung(int index, MediaPacket p) {
        if (p.pts() >= untilPts) {
            return;
        }
        ByteArrayOutputStream out = rungs.get(index);
        AvcConfig c = (AvcConfig) p.config();
        synchronized (out) {
            if (p.keyframe()) {
                for (byte[] nal : c.sps()) {
                    out.writeBytes(START);
                    out.writeBytes(nal);
                }
                for (byte[] nal : c.pps()) {
                    out.writeBytes(START);
                    out.writeBytes(nal);
                }
            }
            byte[] d = p.data();
            int n = c.nalLengthSize();
            int i = 0;
            while (i + n <= d.length) {
                int len = 0;
                for (int k = 0; k < n; k++) {
                    len = (len << 8) | (d[i + k] & 0xff);
                }
                i += n;
                if (len <= 0 || i + len > d.length) {
                    break;
                }
                out.writeBytes(START);
                out.write(d, i, len);
                i += len;
            }
        }
    }

    /** Ends the canvas file and writes the rungs' files. */
    @Override
    public void close() throws IOException {
        if (canvas != null) {
            canvas.close();
        }
        for (int i = 0; i < rungNames.size(); i++) {
            ByteArrayOutputStream out = rungs.get(i);
            synchronized (out) {
                Files.write(dir.resolve(rungNames.get(i) + ".h264"), out.toByteArray());
            }
        }
    }
}
