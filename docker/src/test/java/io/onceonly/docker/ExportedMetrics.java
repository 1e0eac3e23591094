package io.onceonly.docker;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The series names an app's {@code /metrics} page exports, as Prometheus stores them: the name of
 * each sample line, so with the suffixes the text format adds ({@code _total} of counters,
 * {@code _bucket}, {@code _count} and {@code _sum} of histograms), which are what a query must name.
 */
final class ExportedMetrics {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Pattern SAMPLE_NAME = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)[{\\s]");

    /**
     * The series Prometheus makes itself for each target and rule, which no app exports: {@code up}
     * and the scrape figures, {@code ALERTS}.
     */
    static final Set<String> PROMETHEUS_OWN = Set.of("up", "scrape_duration_seconds", "scrape_samples_scraped",
            "scrape_samples_post_metric_relabeling", "scrape_series_added", "ALERTS", "ALERTS_FOR_STATE");

    private ExportedMetrics() {
    }

    /** The series names of one scrape of {@code url}. */
    static Set<String> scrape(String url) throws IOException, InterruptedException {
        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (page.statusCode() != 200) {
            throw new IOException(url + " answered " + page.statusCode());
        }
        return names(page.body());
    }

    /** The series names of a page in Prometheus' text format. */
    static Set<String> names(String page) {
        Set<String> names = new TreeSet<>();
        page.lines().filter(line -> !line.startsWith("#")).forEach(line -> {
            Matcher m = SAMPLE_NAME.matcher(line);
            if (m.find()) {
                names.add(m.group(1));
            }
        });
        return names;
    }
}
