package dev.amphi.hls.http;

/**
 * One satisfiable byte range of an object, inclusive (RFC 9110, 14.1.2). Only single ranges are
 * honoured; a list of ranges, another unit or bad syntax means "ignore the header and send the
 * whole object".
 */
record ByteRange(long first, long last) {

    /** Marker for a syntactically valid range that selects no byte of the object (416). */
    static final ByteRange UNSATISFIABLE = new ByteRange(-1, -1);

    /**
     * @return the range, {@link #UNSATISFIABLE}, or null to ignore the header
     */
    static ByteRange parse(String header, long length) {
        if (header == null || header.length() > 100) {
            return null;
        }
        String h = header.trim();
        if (!h.regionMatches(true, 0, "bytes=", 0, 6)) {
            return null;
        }
        String spec = h.substring(6).trim();
        if (spec.indexOf(',') >= 0) {
            return null;
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        String a = spec.substring(0, dash).trim();
        String b = spec.substring(dash + 1).trim();
        try {
            if (a.isEmpty()) {
                if (b.isEmpty()) {
                    return null;
                }
                long suffix = Long.parseLong(b);
                if (suffix < 0) {
                    return null;
                }
                if (suffix == 0 || length == 0) {
                    return UNSATISFIABLE;
                }
                return new ByteRange(Math.max(0, length - suffix), length - 1);
            }
            long first = Long.parseLong(a);
            long last = b.isEmpty() ? Long.MAX_VALUE : Long.parseLong(b);
            if (first < 0 || last < first) {
                return null;
            }
            if (first >= length) {
                return UNSATISFIABLE;
            }
            return new ByteRange(first, Math.min(last, length - 1));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
