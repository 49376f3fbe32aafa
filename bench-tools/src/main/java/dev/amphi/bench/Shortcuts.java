package dev.amphi.bench;

import dev.amphi.transcode.video.TileShortcuts;

/** The benchmark's switch for the tiles' savings ({@code AMPHI_BENCH_SHORTCUTS}). */
final class Shortcuts {

    private Shortcuts() {
    }

    /**
     * Parses {@code all}, {@code none}, or a {@code +}-separated list of the savings kept
     * ({@code reduced-decoding}, {@code bilinear-scaling}).
     *
     * @throws IllegalArgumentException naming the bad value
     */
    static TileShortcuts parse(String spec) {
        String s = spec == null ? "" : spec.strip();
        if (s.equals("all")) {
            return TileShortcuts.ALL;
        }
        if (s.equals("none")) {
            return TileShortcuts.NONE;
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
