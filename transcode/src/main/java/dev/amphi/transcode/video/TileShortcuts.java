package dev.amphi.transcode.video;

/**
 * The savings a speaker's tile may take where its picture is shown small, each of which costs some
 * picture quality: {@link #ALL} is what a room uses; {@link #NONE} gives the full-quality path (every
 * picture decoded with the loop filter, bicubic scaling), against which benchmarks measure the
 * savings' cost and gain.
 *
 * @param reducedDecoding a tile at most half its source's size in both directions skips the
 *                        deblocking filter and non-reference pictures
 * @param bilinearScaling pictures are scaled to the tile bilinearly instead of bicubically
 */
public record TileShortcuts(boolean reducedDecoding, boolean bilinearScaling) {

    /** Every saving: what a room uses. */
    public static final TileShortcuts ALL = new TileShortcuts(true, true);
    /** No saving: the full-quality path. */
    public static final TileShortcuts NONE = new TileShortcuts(false, false);

    /**
     * Parses {@code all}, {@code none}, or a {@code +}-separated list of the savings kept
     * ({@code reduced-decoding}, {@code bilinear-scaling}).
     *
     * @throws IllegalArgumentException naming the bad value
     */
    public static TileShortcuts parse(String spec) {
        String s = spec == null ? "" : spec.strip();
        if (s.equals("all")) {
            return ALL;
        }
        if (s.equals("none")) {
            return NONE;
        }
        boolean reduced = false;
        boolean bilinear = false;
        for (String part : s.split("\\+")) {
            switch (part.strip()) {
                case "reduced-decoding" -> reduced = true;
                case "bilinear-scaling" -> bilinear = true;
                default -> throw new IllegalArgumentException("tile shortcuts must be all, none or a '+' list of"
                        + " reduced-decoding and bilinear-scaling, got '" + spec + "'");
            }
        }
        return new TileShortcuts(reduced, bilinear);
    }
}
