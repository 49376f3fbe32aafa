package dev.amphi.hls;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A small independent ISO BMFF reader for tests: finds boxes by path and decodes tfdt and trun. */
public final class Boxes {

    private Boxes() {
    }

    /** Top-level box types in order. */
    public static List<String> topLevel(byte[] file) {
        List<String> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(file);
        while (b.remaining() >= 8) {
            int size = b.getInt(b.position());
            out.add(type(b, b.position()));
            if (size < 8) {
                throw new AssertionError("bad box size " + size);
            }
            b.position(b.position() + size);
        }
        if (b.hasRemaining()) {
            throw new AssertionError(b.remaining() + " trailing bytes");
        }
        return out;
    }

    /** The body (after the 8-byte header) of the first box at {@code path} like {@code moof/traf/trun}. */
    public static ByteBuffer find(byte[] file, String path) {
        ByteBuffer b = ByteBuffer.wrap(file);
        int start = 0;
        int end = file.length;
        int bodyStart = 0;
        int bodyEnd = file.length;
        for (String part : path.split("/")) {
            int pos = start;
            boolean found = false;
            while (pos + 8 <= end) {
                int size = b.getInt(pos);
                if (size < 8) {
                    throw new AssertionError("bad box size " + size + " at " + pos);
                }
                if (type(b, pos).equals(part)) {
                    bodyStart = pos + 8;
                    bodyEnd = pos + size;
                    start = bodyStart + childOffset(part);
                    end = bodyEnd;
                    found = true;
                    break;
                }
                pos += size;
            }
            if (!found) {
                return null;
            }
        }
        return ByteBuffer.wrap(file, bodyStart, bodyEnd - bodyStart).slice();
    }

    private static int childOffset(String type) {
        // containers whose children follow extra fields
        return switch (type) {
            case "stsd" -> 8;
            case "avc1" -> 78;
            case "mp4a" -> 28;
            default -> 0;
        };
    }

    private static String type(ByteBuffer b, int pos) {
        byte[] t = new byte[4];
        b.get(pos + 4, t);
        return new String(t, StandardCharsets.ISO_8859_1);
    }

    public static long tfdt(byte[] segment) {
        ByteBuffer t = find(segment, "moof/traf/tfdt");
        int version = t.get(0);
        return version == 1 ? t.getLong(4) : t.getInt(4) & 0xffffffffL;
    }

    /** One decoded trun sample. */
    public record TrunSample(long duration, long size, int flags, int cto) { }

    public record Trun(int version, int dataOffset, List<TrunSample> samples) { }

    public static Trun trun(byte[] segment) {
        ByteBuffer t = find(segment, "moof/traf/trun");
        int vf = t.getInt();
        int version = vf >>> 24;
        int flags = vf & 0xffffff;
        int count = t.getInt();
        int dataOffset = (flags & 1) != 0 ? t.getInt() : 0;
        if ((flags & 4) != 0) {
            t.getInt();
        }
        List<TrunSample> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long d = (flags & 0x100) != 0 ? t.getInt() & 0xffffffffL : -1;
            long s = (flags & 0x200) != 0 ? t.getInt() & 0xffffffffL : -1;
            int f = (flags & 0x400) != 0 ? t.getInt() : -1;
            int c = (flags & 0x800) != 0 ? t.getInt() : 0;
            out.add(new TrunSample(d, s, f, c));
        }
        return new Trun(version, dataOffset, out);
    }
}
