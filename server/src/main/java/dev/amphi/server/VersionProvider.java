package dev.amphi.server;

import org.bytedeco.ffmpeg.global.avutil;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: Amphi's version and the bundled FFmpeg's (which proves its natives load). */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String amphi = Main.class.getPackage().getImplementationVersion();
        String ffmpeg;
        try {
            ffmpeg = avutil.av_version_info().getString();
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            ffmpeg = "unavailable (" + e.getMessage() + ")";
        }
        return new String[] {"Amphi " + (amphi == null ? "0.1.0-SNAPSHOT" : amphi), "FFmpeg " + ffmpeg};
    }
}
