/**
 * Picture types shared by the decoders, the compositor and the encoders: {@link
 * dev.amphi.transcode.frame.Picture} (a YUV 4:2:0 {@code AVFrame} with one owner) and {@link
 * dev.amphi.transcode.frame.Rect}. Pictures move between threads only through locks or queues;
 * whoever holds one closes it.
 */
package dev.amphi.transcode.frame;
