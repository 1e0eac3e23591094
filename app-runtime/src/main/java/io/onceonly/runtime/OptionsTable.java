package io.onceonly.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.types.Password;

/** Prints an app's options as a Markdown table: option, default, meaning (also what {@code --list-options} shows). */
public final class OptionsTable {

    /** The first line of every option table: how one is found in a README. */
    public static final String HEADER = "| option | env | default | meaning |";

    private OptionsTable() {
    }

    /**
     * The table of {@code definition}, followed by rows for option families passed through untouched.
     *
     * @param passThrough rows of {option family, meaning}, for example {"kafka.*", "producer settings"}
     */
    public static String markdown(ConfigDef definition, List<String[]> passThrough) {
        StringBuilder out = new StringBuilder(HEADER + "\n|---|---|---|---|\n");
        for (ConfigDef.ConfigKey key : definition.configKeys().values()) {
            out.append("| `").append(key.name).append("` | `").append(AppOptions.envName(key.name)).append("` | ")
                    .append(defaultText(key)).append(" | ").append(key.documentation.replace("|", "\\|").replace("\n", " "))
                    .append(" |\n");
        }
        for (String[] row : passThrough) {
            out.append("| `").append(row[0]).append("` | `").append(AppOptions.envName(row[0].replace("*", "")))
                    .append("...` | | ").append(row[1]).append(" |\n");
        }
        return out.toString();
    }

    /**
     * How the option table in a Markdown document (a README) differs from the one {@link #markdown}
     * prints, so that a test can keep the two the same.
     *
     * @param command the command that prints the table, for the message: {@code java -jar app.jar --list-options}
     * @return empty when they are the same; else a message naming the first differing row and how to regenerate the table
     */
    public static Optional<String> differenceIn(String document, ConfigDef definition, List<String[]> passThrough,
            String command) {
        List<String> expected = markdown(definition, passThrough).lines().toList();
        List<String> actual = findIn(document);
        String fix = " Replace the table, from its line '" + HEADER + "' to its last row, with the one `" + command
                + "` prints.";
        if (actual.isEmpty()) {
            return Optional.of("the document has no option table (no line '" + HEADER + "')." + fix);
        }
        for (int i = 0; i < Math.max(expected.size(), actual.size()); i++) {
            String want = i < expected.size() ? expected.get(i) : "(no row)";
            String have = i < actual.size() ? actual.get(i) : "(no row)";
            if (!want.equals(have)) {
                return Optional.of("row " + (i + 1) + " of the option table is\n  " + have + "\nwhere the app prints\n  "
                        + want + "\n" + fix);
            }
        }
        return Optional.empty();
    }

    /**
     * What each app's README test checks: how the option table in {@code README.md} of the working
     * directory (the module's own when Maven runs the module's tests) differs from the one the
     * module's jar prints with {@code --list-options}.
     *
     * @param module the module's directory, also its jar's name: {@code outbox-connector} for
     *     {@code outbox-connector/target/outbox-connector.jar}
     * @return empty when they are the same; else a message naming the README, the first differing row,
     *     and the commands that build the jar and print the table
     * @throws IOException when the README cannot be read
     */
    public static Optional<String> differenceInReadme(String module, ConfigDef definition, List<String[]> passThrough)
            throws IOException {
        return differenceInReadme(module, null, definition, passThrough);
    }

    /**
     * As {@link #differenceInReadme(String, ConfigDef, List)} for one app of a jar that runs several,
     * its first argument naming the app ({@code java -jar membership-services.jar payment-service}):
     * the README holds one table per app, each in the section whose heading is the app's name (for
     * example {@code ### payment-service}), up to the next heading.
     *
     * @param app the jar's first argument, which picks the app, and the heading of its section
     */
    public static Optional<String> differenceInReadme(String module, String app, ConfigDef definition,
            List<String[]> passThrough) throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        String command = "java -jar " + module + "/target/" + module + ".jar" + (app == null ? "" : " " + app)
                + " --list-options";
        String where = module + "/README.md" + (app == null ? "" : ", section '" + app + "'");
        String build = " Build the jar with: mvn -B -ntp package -DskipTests -pl " + module + " -am.";
        if (app == null) {
            return differenceIn(readme, definition, passThrough, command).map(d -> where + ": " + d + build);
        }
        Optional<String> section = sectionOf(readme, app);
        if (section.isEmpty()) {
            return Optional.of(module + "/README.md has no heading '" + app + "' (a line such as '### " + app
                    + "') over the option table of " + app + ". Add one, followed by the table `" + command
                    + "` prints." + build);
        }
        return differenceIn(section.get(), definition, passThrough, command).map(d -> where + ": " + d + build);
    }

    /**
     * The lines under the Markdown heading whose text is {@code title}, whatever its level, up to the
     * next heading; empty when the document has no such heading.
     *
     * @throws IllegalArgumentException when the document has two, as a check would read only one
     */
    static Optional<String> sectionOf(String document, String title) {
        List<String> lines = document.lines().toList();
        List<Integer> headings = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (isHeading(lines.get(i)) && lines.get(i).replaceFirst("^#+", "").strip().equals(title)) {
                headings.add(i);
            }
        }
        if (headings.isEmpty()) {
            return Optional.empty();
        }
        if (headings.size() > 1) {
            throw new IllegalArgumentException("the document has two headings '" + title + "'");
        }
        StringBuilder section = new StringBuilder();
        for (int i = headings.get(0) + 1; i < lines.size() && !isHeading(lines.get(i)); i++) {
            section.append(lines.get(i)).append('\n');
        }
        return Optional.of(section.toString());
    }

    private static boolean isHeading(String line) {
        return line.matches("#{1,6} .*");
    }

    /**
     * The lines of the option table in a Markdown document, from its {@link #HEADER} line to its
     * last row; empty when the document has none.
     *
     * @throws IllegalArgumentException when the document has more than one, as a check would read only one
     */
    static List<String> findIn(String document) {
        List<String> lines = document.lines().toList();
        int start = lines.indexOf(HEADER);
        if (start < 0) {
            return List.of();
        }
        if (lines.lastIndexOf(HEADER) != start) {
            throw new IllegalArgumentException("the document has two option tables (lines '" + HEADER + "')");
        }
        List<String> table = new ArrayList<>();
        for (int i = start; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            table.add(lines.get(i));
        }
        return table;
    }

    private static String defaultText(ConfigDef.ConfigKey key) {
        if (!key.hasDefault()) {
            return "(required)";
        }
        Object value = key.defaultValue;
        if (value instanceof Password) {
            value = ((Password) value).value();
        }
        if (value == null || value.toString().isEmpty()) {
            return "(empty)";
        }
        if (key.type == ConfigDef.Type.PASSWORD) {
            return "(hidden)";
        }
        return "`" + ConfigDef.convertToString(value, key.type) + "`";
    }
}
