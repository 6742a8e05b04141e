package dev.rollback.agent.watch;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads one instance's health report. */
@FunctionalInterface
public interface HealthFetcher {

    /**
     * Reads the report's JSON.
     *
     * @param url the instance's health URL
     * @return the body
     * @throws IOException if the instance cannot be read or answers other than 200
     * @throws InterruptedException if interrupted
     */
    String fetch(URI url) throws IOException, InterruptedException;

    /**
     * Returns a fetcher on the JDK's HTTP client.
     *
     * @param timeout how long one read may take
     * @return the fetcher
     */
    static HealthFetcher http(Duration timeout) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        return url -> {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(url).timeout(timeout)
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException(url + " answered " + response.statusCode());
            }
            return response.body();
        };
    }
}
