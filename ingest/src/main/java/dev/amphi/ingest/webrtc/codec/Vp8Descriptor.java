package dev.amphi.ingest.webrtc.codec;

/**
 * The VP8 payload descriptor at the start of every VP8 RTP payload (RFC 7741, 4.2). Absent optional
 * fields are -1.
 *
 * @param nonReference     N: the frame is not used as a reference
 * @param start            S: this packet starts a VP8 partition
 * @param partition        PID: partition index, 0..7
 * @param pictureId        PictureID (7 or 15 bits), or -1
 * @param longPictureId    whether PictureID took 15 bits (M bit)
 * @param tl0PicIdx        TL0PICIDX, or -1
 * @param temporalLayer    TID, or -1
 * @param layerSync        Y (only meaningful with a TID)
 * @param keyIndex         KEYIDX, or -1
 * @param size             bytes the descriptor takes, 1..6
 */
record Vp8Descriptor(boolean nonReference, boolean start, int partition, int pictureId, boolean longPictureId,
                     int tl0PicIdx, int temporalLayer, boolean layerSync, int keyIndex, int size) {

    Vp8Descriptor {
        if (partition < 0 || partition > 7 || size < 1 || size > 6) {
            throw new IllegalArgumentException("VP8 descriptor partition " + partition + ", size " + size);
        }
    }

    /** Whether this packet starts a frame (S set, partition 0). */
    boolean startsFrame() {
        return start && partition == 0;
    }

    /**
     * Parses the descriptor at the start of {@code b}.
     *
     * @throws IllegalArgumentException naming the field when the payload ends inside the descriptor
     */
    static Vp8Descriptor parse(byte[] b) {
        if (b.length < 1) {
            throw new IllegalArgumentException("empty VP8 payload");
        }
        int pos = 0;
        int first = b[pos++] & 0xff;
        boolean n = (first & 0x20) != 0;
        boolean s = (first & 0x10) != 0;
        int pid = first & 0x07;
        int pictureId = -1;
        boolean longId = false;
        int tl0 = -1;
        int tid = -1;
        boolean y = false;
        int keyIdx = -1;
        if ((first & 0x80) != 0) {
            int x = at(b, pos++, "extension byte");
            if ((x & 0x80) != 0) {
                int p = at(b, pos++, "PictureID");
                longId = (p & 0x80) != 0;
                pictureId = longId ? ((p & 0x7f) << 8) | at(b, pos++, "PictureID") : p;
            }
            if ((x & 0x40) != 0) {
                tl0 = at(b, pos++, "TL0PICIDX");
            }
            if ((x & 0x30) != 0) {
                int t = at(b, pos++, "TID/KEYIDX");
                if ((x & 0x20) != 0) {
                    tid = t >>> 6;
                    y = (t & 0x20) != 0;
                }
                if ((x & 0x10) != 0) {
                    keyIdx = t & 0x1f;
                }
            }
        }
        return new Vp8Descriptor(n, s, pid, pictureId, longId, tl0, tid, y, keyIdx, pos);
    }

    private static int at(byte[] b, int pos, String field) {
        if (pos >= b.length) {
            throw new IllegalArgumentException("VP8 payload descriptor truncated in its " + field);
        }
        return b[pos] & 0xff;
    }

    /** Writes the descriptor (the fields present are those not -1). */
    byte[] toBytes() {
        boolean i = pictureId >= 0;
        boolean l = tl0PicIdx >= 0;
        boolean t = temporalLayer >= 0;
        boolean k = keyIndex >= 0;
        boolean x = i || l || t || k;
        byte[] out = new byte[1 + (x ? 1 : 0) + (i ? (longPictureId ? 2 : 1) : 0) + (l ? 1 : 0) + (t || k ? 1 : 0)];
        int pos = 0;
        out[pos++] = (byte) ((x ? 0x80 : 0) | (nonReference ? 0x20 : 0) | (start ? 0x10 : 0) | partition);
        if (x) {
            out[pos++] = (byte) ((i ? 0x80 : 0) | (l ? 0x40 : 0) | (t ? 0x20 : 0) | (k ? 0x10 : 0));
        }
        if (i) {
            if (longPictureId) {
                out[pos++] = (byte) (0x80 | (pictureId >>> 8 & 0x7f));
            }
            out[pos++] = (byte) (longPictureId ? pictureId : pictureId & 0x7f);
        }
        if (l) {
            out[pos++] = (byte) tl0PicIdx;
        }
        if (t || k) {
            out[pos] = (byte) ((t ? temporalLayer << 6 : 0) | (layerSync ? 0x20 : 0) | (k ? keyIndex & 0x1f : 0));
        }
        return out;
    }
}
