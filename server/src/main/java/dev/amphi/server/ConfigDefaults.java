package dev.amphi.server;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Supplies option values that were not given as flags: first from the environment
 * ({@code --http-port} is {@code AMPHI_HTTP_PORT}), then from a properties file (key
 * {@code http-port}), then the option's own default. Flags always win because picocli only asks
 * this provider for options absent from the command line.
 *
 * <p>A repeatable option gets one string here, and a flag given once replaces it as a whole.
 * Picocli splits that string at the option's {@code split} regex ({@code --room}, {@code --ladder},
 * {@code --passthrough}: commas); {@code --room-setting} has none, since its ladder values contain
 * commas, and splits its entries itself ({@link RoomSettingsResolver#split}).
 */
final class ConfigDefaults implements IDefaultValueProvider {

    private final Map<String, String> env;
    private final Properties file;

    private ConfigDefaults(Map<String, String> env, Properties file) {
        this.env = env;
        this.file = file;
    }

    static ConfigDefaults of(Map<String, String> env, Properties file) {
        return new ConfigDefaults(Map.copyOf(Objects.requireNonNull(env, "env")), Objects.requireNonNull(file, "file"));
    }

    /** Loads a properties file (UTF-8); names the file in the error. */
    static Properties load(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        return p;
    }

    /** {@code --http-port} → {@code AMPHI_HTTP_PORT}. */
    static String envName(String key) {
        return "AMPHI_" + key.replace('-', '_').toUpperCase(Locale.ROOT);
    }

    /** {@code --http-port} → {@code http-port}. */
    static String key(OptionSpec option) {
        return option.longestName().replaceFirst("^-+", "");
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()) {
            return null;
        }
        String key = key(option);
        String fromEnv = env.get(envName(key));
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.strip();
        }
        String fromFile = file.getProperty(key);
        if (fromFile != null && !fromFile.isBlank()) {
            return fromFile.strip();
        }
        return option.defaultValue();
    }
}
