package io.onceonly.cli.slot;

import java.util.Locale;

/** An amount of WAL as a person reads it: {@code 2.1 MiB}. */
final class WalBytes {

    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};

    private WalBytes() {
    }

    static String human(Long bytes) {
        if (bytes == null) {
            return "-";
        }
        double value = bytes;
        int unit = 0;
        while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
    }
}
