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

}
