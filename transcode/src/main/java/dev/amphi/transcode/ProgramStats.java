package dev.amphi.transcode;

import dev.amphi.transcode.interactive.InteractiveStats;

/**
 * Counters of a program since it started.
 *
 * @param frames            program frames produced
 * @param lateFrames        frames produced later than their wall-clock due time by more than one frame
 * @param speakers          speakers in the room now
 * @param visibleSpeakers   speakers with a tile now
 * @param decodedVideo      video frames decoded, all speakers
 * @param droppedVideo      video frames dropped because decoding fell behind (queue or decoder), all speakers
 * @param hiddenVideoDrops  video packets dropped before the decoder because the speaker had no tile
 * @param droppedAudio      audio packets dropped, all speakers (should stay 0)
 * @param shedVideo         tile pictures not decoded or not shown because the program was overloaded
 *                          (it sheds tile work first: non-reference pictures, every second picture,
 *                          then all but keyframes), all speakers
 * @param ladderDrops       program frames the ladder dropped for every rung because an encoder was
 *                          still {@code LadderEncoder.DEPTH} frames behind (the last resort)
 * @param shedLevel         how much tile work is shed now: 0 (none) to 3 (keyframes only)
 * @param decodedAudio      audio frames decoded, all speakers
 * @param silentAudioSkips  audio packets not decoded because the sender's audio level said silence
 *                          (WebRTC's audio-level header extension), all speakers
 * @param decodeErrors      video and audio packets that could not be decoded (corrupt data), all speakers
 * @param interactive       the real-time rendition for the speakers: frames encoded, keyframes
 *                          forced, Opus mix frames encoded, subscriber drops, encode time and delay
 */
public record ProgramStats(long frames, long lateFrames, int speakers, int visibleSpeakers, long decodedVideo,
                           long droppedVideo, long hiddenVideoDrops, long droppedAudio, long shedVideo,
                           long ladderDrops, int shedLevel, long decodedAudio, long silentAudioSkips,
                           long decodeErrors, InteractiveStats interactive) {

    public ProgramStats {
        java.util.Objects.requireNonNull(interactive, "interactive");
    }

    /** Counters without the audio decoding ones and without an interactive rendition's work. */
    public ProgramStats(long frames, long lateFrames, int speakers, int visibleSpeakers, long decodedVideo,
                        long droppedVideo, long hiddenVideoDrops, long droppedAudio, long shedVideo,
                        long ladderDrops, int shedLevel) {
        this(frames, lateFrames, speakers, visibleSpeakers, decodedVideo, droppedVideo, hiddenVideoDrops, droppedAudio,
                shedVideo, ladderDrops, shedLevel, 0, 0, 0, InteractiveStats.NONE);
    }

    /** Counters of a program that sheds nothing (the fields before overload shedding existed). */
    public ProgramStats(long frames, long lateFrames, int speakers, int visibleSpeakers, long decodedVideo,
                        long droppedVideo, long hiddenVideoDrops, long droppedAudio) {
        this(frames, lateFrames, speakers, visibleSpeakers, decodedVideo, droppedVideo, hiddenVideoDrops, droppedAudio,
                0, 0, 0);
    }
}
