package dev.amphi.transcode;

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
 */
public record ProgramStats(long frames, long lateFrames, int speakers, int visibleSpeakers, long decodedVideo,
                           long droppedVideo, long hiddenVideoDrops, long droppedAudio) {
}
