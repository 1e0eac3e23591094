package io.onceonly.dedup;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One scrape of a /metrics page in Prometheus' text format: each sample's value by its name and labels. */
record PrometheusText(Map<String, Double> samples) {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})?\\s+(\\S+)");

    /** Reads the page at {@code url}. */
    static PrometheusText scrape(String url) throws IOException, InterruptedException {
        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        if (page.statusCode() != 200) {
            throw new IOException(url + " answered " + page.statusCode());
        }
        Map<String, Double> samples = new LinkedHashMap<>();
        page.body().lines().filter(line -> !line.startsWith("#")).forEach(line -> {
            Matcher m = SAMPLE.matcher(line);
            if (m.find()) {
                samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
            }
        });
        return new PrometheusText(samples);
    }

    /** The samples of {@code name}, by their labels as written ({@code {partition="0",topic="t"}}). */
    Map<String, Double> series(String name) {
        Map<String, Double> series = new LinkedHashMap<>();
        samples.forEach((key, value) -> {
            if (key.equals(name) || key.startsWith(name + "{")) {
                series.put(key.substring(name.length()), value);
            }
        });
        return series;
    }

    /** The one sample of {@code name}, or null when there is none. */
    Double value(String name) {
        return samples.get(name);
    }
}
