package dev.amphi.ingest.webrtc.codec;

import dev.amphi.media.NalUnits;
import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.media.MediaPacket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real encoders' output through our packetizers and depacketizers at MTU 1200, checked by FFmpeg's
 * decoders: every frame decodes without an error and to the same picture as the original.
 */
class RtpPacketizationFfmpegTest {

    private static final int MTU = 1200;

    @TempDir
    Path dir;

    @Test
    void h264FromX264SurvivesTheRoundTripFrameForFrame() throws Exception {
        Path in = dir.resolve("in.h264");
        ffmpeg("-f", "lavfi", "-i", "testsrc=size=640x360:rate=30", "-frames:v", "90", "-c:v", "libx264",
                "-pix_fmt", "yuv420p", "-profile:v", "baseline", "-g", "30", "-bf", "0", "-x264-params", "aud=1:slices=2", "-f", "h264",
                in.toString());
        List<List<byte[]>> accessUnits = splitAtAccessUnitDelimiters(NalUnits.splitAnnexB(Files.readAllBytes(in)));
        assertThat(accessUnits).hasSize(90);

        Stats stats = new Stats();
        List<MediaPacket> received = h264RoundTrip(accessUnits, -1, stats);
        assertThat(stats.fuA).as("FU-A packets").isPositive();
        assertThat(stats.stapA).as("STAP-A packets").isPositive();
        assertThat(stats.largest).isLessThanOrEqualTo(MTU);
        assertThat(received).hasSize(90);

        Path out = dir.resolve("out.h264");
        Files.write(out, annexB(received));
        assertThat(frameHashes(out)).hasSize(90).isEqualTo(frameHashes(in));
    }

    @Test
    void h264WithALostPacketDecodesFromTheNextKeyframeOn() throws Exception {
        Path in = dir.resolve("in.h264");
        ffmpeg("-f", "lavfi", "-i", "testsrc=size=640x360:rate=30", "-frames:v", "90", "-c:v", "libx264",
                "-pix_fmt", "yuv420p", "-profile:v", "baseline", "-g", "30", "-sc_threshold", "0", "-bf", "0", "-x264-params", "aud=1",
                "-f", "h264", in.toString());
        List<List<byte[]>> accessUnits = splitAtAccessUnitDelimiters(NalUnits.splitAnnexB(Files.readAllBytes(in)));
        List<MediaPacket> received = h264RoundTrip(accessUnits, 40, new Stats());

        List<String> original = frameHashes(in);
        List<String> expected = new ArrayList<>(original.subList(0, 40));
        expected.addAll(original.subList(60, 90)); // frames 40..59 wait for the IDR at 60
        Path out = dir.resolve("out.h264");
        Files.write(out, annexB(received));
        assertThat(frameHashes(out)).isEqualTo(expected);
    }

    @Test
    void vp8FromLibvpxSurvivesTheRoundTripFrameForFrame() throws Exception {
        Path in = dir.resolve("in.ivf");
        ffmpeg("-f", "lavfi", "-i", "testsrc=size=640x360:rate=30", "-frames:v", "60", "-c:v", "libvpx",
                "-deadline", "realtime", "-auto-alt-ref", "0", "-g", "30", "-b:v", "2M", "-f", "ivf", in.toString());
        byte[] ivf = Files.readAllBytes(in);
        List<byte[]> frames = ivfFrames(ivf);
        assertThat(frames).hasSize(60);

        Vp8Packetizer packetizer = new Vp8Packetizer(MTU, 40000, 100);
        Collected got = new Collected();
        Depacketizer d = Depacketizer.vp8(got);
        int packets = 0;
        for (int i = 0; i < frames.size(); i++) {
            List<RtpPayload> payloads = packetizer.packetize(3000L * i, frames.get(i));
            assertThat(payloads).allSatisfy(p -> assertThat(p.payload().length).isLessThanOrEqualTo(MTU));
            packets += payloads.size();
            got.pushAll(d, payloads);
        }
        assertThat(packets).isGreaterThan(frames.size());
        assertThat(got.keyframeRequests).isEmpty();
        assertThat(got.packets).hasSize(60);
        assertThat(got.packets.get(0).config()).hasToString("Vp8Config[width=640, height=360]");

        Path out = dir.resolve("out.ivf");
        ByteArrayOutputStream w = new ByteArrayOutputStream();
        w.write(ivf, 0, 32);
        for (int i = 0; i < got.packets.size(); i++) {
            byte[] f = got.packets.get(i).data();
            w.write(ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(f.length).putLong(i).array());
            w.write(f);
        }
        Files.write(out, w.toByteArray());
        assertThat(frameHashes(out)).hasSize(60).isEqualTo(frameHashes(in));
    }

    private static final class Stats {
        int fuA;
        int stapA;
        int largest;
    }

    /** Packetizes every access unit (dropping the middle packet of access unit {@code lose}, if ≥ 0) and depacketizes. */
    private static List<MediaPacket> h264RoundTrip(List<List<byte[]>> accessUnits, int lose, Stats stats) {
        H264Packetizer packetizer = new H264Packetizer(MTU, 65000);
        Collected got = new Collected();
        Depacketizer d = Depacketizer.h264(got);
        for (int i = 0; i < accessUnits.size(); i++) {
            List<RtpPayload> payloads = new ArrayList<>(packetizer.packetize((0xffff0000L + 3000L * i) & 0xffffffffL,
                    accessUnits.get(i)));
            for (RtpPayload p : payloads) {
                int type = p.payload()[0] & 0x1f;
                stats.fuA += type == RtpH264.FU_A ? 1 : 0;
                stats.stapA += type == RtpH264.STAP_A ? 1 : 0;
                stats.largest = Math.max(stats.largest, p.payload().length);
            }
            if (i == lose) {
                payloads.remove(payloads.size() / 2); // the whole frame when it went in one packet
            }
            got.pushAll(d, payloads);
        }
        assertThat(got.keyframeRequests).hasSize(lose >= 0 ? 1 : 0);
        return got.packets;
    }

    private static List<List<byte[]>> splitAtAccessUnitDelimiters(List<byte[]> nals) {
        List<List<byte[]>> aus = new ArrayList<>();
        for (byte[] nal : nals) {
            if (NalUnits.type(nal) == 9 || aus.isEmpty()) {
                aus.add(new ArrayList<>());
            }
            aus.get(aus.size() - 1).add(nal);
        }
        return aus;
    }

    private static byte[] annexB(List<MediaPacket> packets) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        packets.forEach(p -> out.writeBytes(NalUnits.toAnnexB(NalUnits.splitAvcc(p.data(), 4))));
        return out.toByteArray();
    }

    private static List<byte[]> ivfFrames(byte[] ivf) {
        assertThat(new String(ivf, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("DKIF");
        ByteBuffer b = ByteBuffer.wrap(ivf).order(ByteOrder.LITTLE_ENDIAN);
        b.position(b.getShort(6));
        List<byte[]> frames = new ArrayList<>();
        while (b.remaining() >= 12) {
            int size = b.getInt();
            b.getLong();
            byte[] f = new byte[size];
            b.get(f);
            frames.add(f);
        }
        return frames;
    }

    /** The MD5 of every decoded frame, failing on any decoder error. */
    private List<String> frameHashes(Path file) throws IOException, InterruptedException {
        Path md5 = dir.resolve(file.getFileName() + ".framemd5");
        ffmpeg("-i", file.toString(), "-f", "framemd5", md5.toString());
        return Files.readAllLines(md5).stream().filter(l -> !l.startsWith("#"))
                .map(l -> l.substring(l.lastIndexOf(',') + 1).trim()).toList();
    }

    private void ffmpeg(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Loader.load(org.bytedeco.ffmpeg.ffmpeg.class),
                "-nostdin", "-hide_banner", "-v", "error", "-y"));
        cmd.addAll(Arrays.asList(args));
        Path log = Files.createTempFile(dir, "ffmpeg", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("ffmpeg did not finish within 120 s: " + cmd);
        }
        String errors = Files.readString(log);
        assertThat(p.exitValue()).as("ffmpeg exit status; its errors: %s", errors).isZero();
        assertThat(errors).as("ffmpeg's errors for %s", cmd).isEmpty();
    }
}
