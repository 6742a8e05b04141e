package dev.rollback.agent.watch;

import dev.rollback.agent.config.HealthCredential;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;

/**
 * Reads one instance's health report. The answer is returned whatever its HTTP status: an instance
 * that asks to be reverted answers 503 with its report, and the watcher decides what an answer means.
 */
@FunctionalInterface
public interface HealthFetcher {

    /**
     * What an instance answered.
     *
     * @param status the HTTP status
     * @param body   the body, possibly empty
     */
    record Answer(int status, String body) {

        /**
         * Checks the body.
         */
        public Answer {
            Objects.requireNonNull(body, "body");
        }
    }

    /**
     * Reads the report.
     *
     * @param url the instance's health URL
     * @return the answer, whatever its status
     * @throws IOException if the instance does not answer
     * @throws InterruptedException if interrupted
     */
    Answer fetch(URI url) throws IOException, InterruptedException;

    /**
     * Returns a fetcher on the JDK's HTTP client, without a credential.
     *
     * @param timeout how long one read may take
     * @return the fetcher
     */
    static HealthFetcher http(Duration timeout) {
        return http(timeout, null);
    }

    /**
     * Returns a fetcher on the JDK's HTTP client. It follows no redirect, so the credential goes to
     * the configured URL only.
     *
     * @param timeout    how long one read may take
     * @param credential sent in the {@code Authorization} header, or {@code null} for none
     * @return the fetcher
     */
    static HealthFetcher http(Duration timeout, HealthCredential credential) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        String authorization = credential == null ? null : credential.authorization();
        return url -> {
            HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(timeout)
                    .header("Accept", "application/json").GET();
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        };
    }
}
