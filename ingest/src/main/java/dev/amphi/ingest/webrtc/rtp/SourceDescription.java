package dev.amphi.ingest.webrtc.rtp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An RTCP source description (RFC 3550 6.5): up to 31 chunks, each an SSRC and its items (CNAME,
 * NAME, ...; type 1..255, UTF-8 text of at most 255 bytes). Items of any type are kept.
 */
public record SourceDescription(List<Chunk> chunks) implements RtcpPacket {

    /** SDES item type of the canonical name. */
    public static final int CNAME = 1;

    /** One item: its type and text. */
    public record Item(int type, String value) {
        public Item {
            if (type < 1 || type > 255) {
                throw new IllegalArgumentException("SDES item type " + type + " outside 1..255");
            }
            if (value.getBytes(StandardCharsets.UTF_8).length > 255) {
                throw new IllegalArgumentException("SDES item text is over 255 UTF-8 bytes");
            }
        }
    }

    /** One chunk: a source and its items. */
    public record Chunk(int ssrc, List<Item> items) {
        public Chunk {
            items = List.copyOf(items);
        }

        /** The chunk of a source that only gives its CNAME. */
        public static Chunk cname(int ssrc, String cname) {
            return new Chunk(ssrc, List.of(new Item(CNAME, cname)));
        }

        /** The first CNAME item's text. */
        public Optional<String> cname() {
            return items.stream().filter(i -> i.type() == CNAME).map(Item::value).findFirst();
        }

        int length() {
            int n = 4 + 1; // SSRC and the END item
            for (Item i : items) {
                n += 2 + i.value().getBytes(StandardCharsets.UTF_8).length;
            }
            return (n + 3) / 4 * 4;
        }
    }

    public SourceDescription {
        chunks = List.copyOf(chunks);
        if (chunks.size() > 31) {
            throw new IllegalArgumentException(chunks.size() + " SDES chunks, at most 31");
        }
    }

    static SourceDescription parse(int count, ByteReader r) {
        int start = r.position();
        List<Chunk> chunks = new ArrayList<>(count);
        for (int c = 0; c < count; c++) {
            int ssrc = r.i32("SDES chunk " + c + " SSRC");
            List<Item> items = new ArrayList<>();
            while (true) {
                int type = r.u8("SDES item type");
                if (type == 0) {
                    break;
                }
                int len = r.u8("SDES item length");
                if (len > r.remaining()) {
                    throw new RtpFormatException("SDES item type " + type + " declares " + len + " bytes but only "
                            + r.remaining() + " remain");
                }
                items.add(new Item(type, r.utf8(len, "SDES item text")));
            }
            int misalign = (r.position() - start) % 4;
            if (misalign != 0) {
                r.skip(Math.min(4 - misalign, r.remaining()), "SDES chunk padding");
            }
            chunks.add(new Chunk(ssrc, items));
        }
        return new SourceDescription(chunks);
    }

    int length() {
        return 4 + chunks.stream().mapToInt(Chunk::length).sum();
    }

    void write(ByteBuffer out) {
        Rtcp.header(out, chunks.size(), SDES, length(), 0);
        for (Chunk c : chunks) {
            int end = out.position() + c.length();
            out.putInt(c.ssrc());
            for (Item i : c.items()) {
                byte[] text = i.value().getBytes(StandardCharsets.UTF_8);
                out.put((byte) i.type()).put((byte) text.length).put(text);
            }
            while (out.position() < end) {
                out.put((byte) 0); // END item, then null padding to the word
            }
        }
    }
}
