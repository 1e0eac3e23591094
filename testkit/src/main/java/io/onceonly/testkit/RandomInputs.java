package io.onceonly.testkit;

import java.util.Random;
import java.util.function.Supplier;

/**
 * Seeded random inputs for property tests, which run under plain JUnit: one instance per test
 * method, so that a seed replays that method's inputs. The seed is {@code -Donce.property.seed=N},
 * or else the clock's; a failing try is reported with the seed that replays it and its input,
 * escaped so that NUL, lone surrogates and other invisible characters show. Lengths and characters
 * lean towards the edges (empty, the longest allowed, NUL, '%', '/', '.', bytes that are no UTF-8,
 * lone surrogates, characters beyond the BMP), as property-testing libraries' generators do.
 */
public final class RandomInputs {

    public static final String SEED_PROPERTY = "once.property.seed";

    private static final char[] EDGE_CHARS = {'\0', ' ', '%', '/', '\\', '.', '+', '?', '#', '&', '=', ';', '"', '{', '}',
        '\t', '\r', '\n', '\u007f', '\u0080', '\u00e9', '\u00ff', '\u2028', '\uFEFF', '\uD800', '\uDFFF', '\uFFFD', '\uFFFF'};

    private static final byte[] EDGE_BYTES = {0, ' ', '%', '/', '.', '?', 0x7f, (byte) 0x80, (byte) 0xbf, (byte) 0xc0, (byte) 0xc3,
        (byte) 0xe2, (byte) 0xed, (byte) 0xf0, (byte) 0xf8, (byte) 0xff};

    private final long seed = Long.getLong(SEED_PROPERTY, System.nanoTime());
    private final Random random = new Random(seed);

    /** A property of one input. */
    public interface Property<A> {
        void check(A a) throws Exception;
    }

    /** A property of two inputs. */
    public interface Property2<A, B> {
        void check(A a, B b) throws Exception;
    }

    /** Checks {@code property} on {@code tries} inputs; the first failure names the seed, the try and the input. */
    public <A> void forAll(int tries, Supplier<A> input, Property<A> property) {
        for (int i = 1; i <= tries; i++) {
            A a = input.get();
            try {
                property.check(a);
            } catch (Exception | AssertionError e) {
                throw failure(i, tries, shown(a), e);
            }
        }
    }

    /** Checks {@code property} on {@code tries} pairs of inputs; the first failure names the seed, the try and the inputs. */
    public <A, B> void forAll(int tries, Supplier<A> first, Supplier<B> second, Property2<A, B> property) {
        for (int i = 1; i <= tries; i++) {
            A a = first.get();
            B b = second.get();
            try {
                property.check(a, b);
            } catch (Exception | AssertionError e) {
                throw failure(i, tries, shown(a) + ", " + shown(b), e);
            }
        }
    }

    private AssertionError failure(int i, int tries, String input, Throwable e) {
        return new AssertionError("try " + i + " of " + tries + " failed with seed " + seed + " (replay: -D" + SEED_PROPERTY + "="
                + seed + ") on input " + input + ": " + e, e);
    }

    /** One of {@code values}, each as likely. */
    @SafeVarargs
    public final <T> T pick(T... values) {
        return values[random.nextInt(values.length)];
    }

    /** The value of one of {@code generators}, each as likely. */
    @SafeVarargs
    public final <T> T oneOf(Supplier<? extends T>... generators) {
        return pick(generators).get();
    }

    /** Up to {@code maxParts} values of {@code part} joined with {@code separator}. */
    public String joined(int maxParts, Supplier<String> part, String separator) {
        String[] parts = new String[length(0, maxParts)];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = part.get();
        }
        return String.join(separator, parts);
    }

    /** Any characters: printable ASCII, edge characters, pairs beyond the BMP, any UTF-16 unit. */
    public String string(int minLength, int maxLength) {
        StringBuilder s = new StringBuilder();
        for (int length = length(minLength, maxLength); s.length() < length; ) {
            int kind = random.nextInt(10);
            if (kind < 4) {
                s.append((char) (' ' + random.nextInt('~' - ' ' + 1)));
            } else if (kind < 6) {
                s.append(EDGE_CHARS[random.nextInt(EDGE_CHARS.length)]);
            } else if (kind < 7 && length - s.length() >= 2) {
                s.appendCodePoint(Character.MIN_SUPPLEMENTARY_CODE_POINT
                        + random.nextInt(Character.MAX_CODE_POINT - Character.MIN_SUPPLEMENTARY_CODE_POINT + 1));
            } else {
                s.append((char) random.nextInt(Character.MAX_VALUE + 1));
            }
        }
        return s.toString();
    }

    /** Characters of {@code alphabet} only. */
    public String string(int minLength, int maxLength, String alphabet) {
        char[] s = new char[length(minLength, maxLength)];
        for (int i = 0; i < s.length; i++) {
            s[i] = alphabet.charAt(random.nextInt(alphabet.length()));
        }
        return new String(s);
    }

    /** Characters from {@code first} to {@code last} only. */
    public String string(int minLength, int maxLength, char first, char last) {
        char[] s = new char[length(minLength, maxLength)];
        for (int i = 0; i < s.length; i++) {
            s[i] = (char) (first + random.nextInt(last - first + 1));
        }
        return new String(s);
    }

    /** Any bytes but {@code excluded}, often ones that are no UTF-8 (lone lead and continuation bytes, 0xff) or NUL. */
    public byte[] bytes(int maxLength, byte... excluded) {
        byte[] bytes = new byte[length(0, maxLength)];
        for (int i = 0; i < bytes.length; i++) {
            do {
                bytes[i] = random.nextInt(4) == 0 ? EDGE_BYTES[random.nextInt(EDGE_BYTES.length)] : (byte) random.nextInt(256);
            } while (contains(excluded, bytes[i]));
        }
        return bytes;
    }

    private static boolean contains(byte[] bytes, byte b) {
        for (byte each : bytes) {
            if (each == b) {
                return true;
            }
        }
        return false;
    }

    /** A length, the bounds more often than the rest. */
    private int length(int min, int max) {
        int edge = random.nextInt(8);
        return edge == 0 ? min : edge == 1 ? max : min + random.nextInt(max - min + 1);
    }

    /** A value for a failure message: strings and bytes quoted, non-printable characters escaped. */
    static String shown(Object value) {
        if (value instanceof byte[] bytes) {
            StringBuilder s = new StringBuilder("bytes \"");
            for (byte b : bytes) {
                s.append(b >= ' ' && b <= '~' && b != '"' && b != '\\' ? String.valueOf((char) b) : String.format("\\x%02x", b & 0xff));
            }
            return s.append("\" (").append(bytes.length).append(" bytes)").toString();
        }
        if (!(value instanceof String string)) {
            return String.valueOf(value);
        }
        StringBuilder s = new StringBuilder("\"");
        for (char c : string.toCharArray()) {
            s.append(c >= ' ' && c <= '~' && c != '"' && c != '\\' ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return s.append("\" (").append(string.length()).append(" chars)").toString();
    }
}
