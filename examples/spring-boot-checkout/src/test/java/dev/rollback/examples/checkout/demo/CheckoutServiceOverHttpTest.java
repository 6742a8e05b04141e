package dev.rollback.examples.checkout.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollback.examples.checkout.CheckoutApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The checkout service over real HTTP on H2, without a regression: which path answers, what each
 * path stores, the expand migration's backfill and phase, and the demo-only admin API's checks.
 */
@SpringBootTest(classes = CheckoutApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"checkout.demo.admin-enabled=true", "spring.datasource.url=jdbc:h2:mem:checkout-http;DB_CLOSE_DELAY=-1"})
class CheckoutServiceOverHttpTest {

    @LocalServerPort
    int port;

    private ServiceClient client;

    @BeforeEach
    void connect() {
        client = new ServiceClient(port);
    }

    @AfterEach
    void noRollout() {
        client.setRollout(0);
    }

    @Test
    void theNewPathStoresTheNameSplitAndTheMigrationFillsTheFullNameForThePreviousVersion() {
        client.setRollout(100);

        ServiceClient.OrderResult result = client.placeOrder("user-41", "Grace Brewster Hopper", "PEN-2", 2);

        assertThat(result.answer()).isEqualTo(ClientStats.Answer.V2);
        JsonNode order = client.order(result.orderId());
        assertThat(order.path("firstName").asString()).isEqualTo("Grace Brewster");
        assertThat(order.path("lastName").asString()).isEqualTo("Hopper");
        assertThat(order.path("customerName").asString()).isEqualTo("Grace Brewster Hopper");
        assertThat(order.path("totalCents").asLong()).isEqualTo(3700);
    }

    @Test
    void withTheFeatureOffTheOldPathWritesTheFullNameAndTheMigrationFillsTheSplitName() {
        ServiceClient.OrderResult result = client.placeOrder("user-42", "Alan Mathison Turing", "BOOK-1", 1);

        assertThat(result.answer()).isEqualTo(ClientStats.Answer.V1);
        JsonNode order = client.order(result.orderId());
        assertThat(order.path("customerName").asString()).isEqualTo("Alan Mathison Turing");
        assertThat(order.path("firstName").asString()).isEqualTo("Alan Mathison");
        assertThat(order.path("lastName").asString()).isEqualTo("Turing");
    }

    @Test
    void theExpandBackfillSplitTheOrdersPlacedBeforeTheRelease() {
        assertThat(client.order(1).path("firstName").asString()).isEqualTo("Ada King");
        assertThat(client.order(1).path("lastName").asString()).isEqualTo("Lovelace");
        assertThat(client.order(3).path("firstName").asString()).isEmpty();
        assertThat(client.order(3).path("lastName").asString()).isEqualTo("Menabrea");
    }

    @Test
    void infoShowsTheMigrationExpandedWithContractPending() {
        assertThat(client.info().path("migration").path("phase").asString()).isEqualTo("expanded");
    }

    @Test
    void anOrderForAnUnknownProductIsAClientErrorNotAFailureOfEitherPath() throws Exception {
        client.setRollout(100);

        HttpResponse<String> response = post("/orders",
                "{\"userId\":\"u\",\"customerName\":\"A B\",\"sku\":\"NOPE\",\"quantity\":1}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("unknown sku 'NOPE'");
        assertThat(PrometheusText.sum(client.scrape(), ServerSeries.CALLS_COUNT, s -> s.has("outcome", "failure")))
                .isZero();
    }

    @Test
    void theDemoAdminApiRefusesABadFaultAndABadShare() throws Exception {
        assertThat(put("/demo/fault", "{\"kind\":\"meltdown\",\"errorRate\":0,\"addedLatencyMs\":0}").body())
                .contains("kind must be none, errors or latency, was 'meltdown'");
        assertThat(put("/demo/rollout", "{\"percent\":-3}").statusCode()).isEqualTo(400);
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpResponse<String> put(String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
