package dev.rollback.agent.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads an {@link AgentConfig} from YAML. Every key is checked: an unknown key (a typo) and a bad
 * value both fail with a {@link ConfigException} that names the key and the value. See the module
 * README for the format.
 *
 * <p>The bearer token comes from, in order: the environment variable {@value #TOKEN_ENV},
 * {@code server.tokenFile}, {@code server.token}.
 */
public final class ConfigLoader {

    /** The environment variable that holds the bearer token; it wins over the file. */
    public static final String TOKEN_ENV = "ROLLBACK_AGENT_TOKEN";

    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private final Map<String, String> environment;

    /**
     * Creates a loader that reads the token from the given environment.
     *
     * @param environment the environment variables, usually {@link System#getenv()}
     */
    public ConfigLoader(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /**
     * Reads a configuration file.
     *
     * @param file             the YAML file
     * @param insecureLoopback whether the command line asked to run open on loopback
     * @return the configuration
     * @throws ConfigException if the file cannot be read or a value is wrong
     */
    public AgentConfig load(Path file, boolean insecureLoopback) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("config file " + file + " cannot be read: " + e);
        }
        return parse(text, insecureLoopback);
    }

    /**
     * Reads a configuration from YAML text.
     *
     * @param yaml             the text
     * @param insecureLoopback whether the command line asked to run open on loopback
     * @return the configuration
     * @throws ConfigException if a value is wrong
     */
    public AgentConfig parse(String yaml, boolean insecureLoopback) {
        Object root;
        try {
            root = yaml.isBlank() ? null : new ObjectMapper(new YAMLFactory()).readValue(yaml, Object.class);
        } catch (JacksonException e) {
            throw new ConfigException("the configuration is not valid YAML: " + e.getOriginalMessage());
        }
        if (root == null) {
            root = Map.of();
        }
        Node top = Node.of("", root);

        Node serverNode = top.child("server");
        String token = environment.get(TOKEN_ENV);
        String tokenFile = serverNode.text("tokenFile", null);
        String literal = serverNode.text("token", null);
        if ((token == null || token.isBlank()) && tokenFile != null) {
            try {
                token = Files.readString(Path.of(tokenFile), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new ConfigException("server.tokenFile: " + tokenFile + " cannot be read: " + e);
            }
        }
        if (token == null || token.isBlank()) {
            token = literal;
        }
        ServerConfig server = new ServerConfig(
                serverNode.text("address", ServerConfig.DEFAULT_ADDRESS),
                serverNode.integer("port", ServerConfig.DEFAULT_PORT),
                token == null || token.isBlank() ? null : token,
                // read the key even when the command line already says so, or it would count as unknown
                serverNode.bool("insecureLoopback", false) || insecureLoopback,
                serverNode.integer("maxBodyBytes", ServerConfig.DEFAULT_MAX_BODY_BYTES));
        serverNode.done();

        Node am = top.child("alertmanager");
        AlertmanagerConfig alertmanager = new AlertmanagerConfig(
                am.text("serviceLabel", AlertmanagerConfig.DEFAULT_SERVICE_LABEL),
                am.text("actionLabel", AlertmanagerConfig.DEFAULT_ACTION_LABEL),
                am.text("actionValue", AlertmanagerConfig.DEFAULT_ACTION_VALUE),
                am.text("namespaceLabel", AlertmanagerConfig.DEFAULT_NAMESPACE_LABEL),
                Set.copyOf(am.texts("namespaces")));
        am.done();

        Node th = top.child("throttle");
        ThrottleConfig throttle = new ThrottleConfig(
                th.integer("maxInFlight", ThrottleConfig.DEFAULT_MAX_IN_FLIGHT),
                th.duration("cooldown", ThrottleConfig.DEFAULT_COOLDOWN));
        th.done();

        Node w = top.child("watch");
        WatchConfig watch = new WatchConfig(
                w.duration("interval", WatchConfig.DEFAULT_INTERVAL),
                w.duration("timeout", WatchConfig.DEFAULT_TIMEOUT),
                w.integer("consecutive", WatchConfig.DEFAULT_CONSECUTIVE),
                credential(w.child("credential")));
        w.done();

        Node k = top.child("kubernetes");
        KubernetesConfig kubernetes = new KubernetesConfig(
                k.duration("rolloutTimeout", KubernetesConfig.DEFAULT_ROLLOUT_TIMEOUT),
                k.duration("pollInterval", KubernetesConfig.DEFAULT_POLL_INTERVAL));
        k.done();

        DatabaseConfig store = database(top, "store", DatabaseConfig.DEFAULT_STORE);
        DatabaseConfig ledger = top.has("ledger") ? database(top, "ledger", null) : null;
        top.child("ledger");

        AgentConfig.Builder builder = AgentConfig.builder(server)
                .alertmanager(alertmanager).throttle(throttle).watch(watch).kubernetes(kubernetes)
                .store(store).ledger(ledger).dryRun(top.bool("dryRun", AgentConfig.DEFAULT_DRY_RUN));
        for (Node s : top.list("services")) {
            builder.service(service(s));
        }
        top.done();
        return builder.build();
    }

    /**
     * Reads {@code watch.credential}: {@code bearerTokenFile} or {@code bearerTokenEnv}, or
     * {@code username} with {@code passwordFile} or {@code passwordEnv}. Secrets are never given
     * inline, so that the file holds none.
     */
    private HealthCredential credential(Node c) {
        if (c.values.isEmpty()) {
            return null;
        }
        String username = c.text("username", null);
        String prefix = username == null ? "bearerToken" : "password";
        String file = c.text(prefix + "File", null);
        String env = c.text(prefix + "Env", null);
        c.done();
        if ((file == null) == (env == null)) {
            throw new ConfigException(c.path + ": set exactly one of " + prefix + "File and " + prefix + "Env"
                    + (username == null ? " (or username with passwordFile or passwordEnv for HTTP basic)" : ""));
        }
        String secret;
        if (file != null) {
            try {
                secret = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new ConfigException(c.path + "." + prefix + "File: " + file + " cannot be read: " + e);
            }
        } else {
            secret = environment.get(env);
            if (secret == null || secret.isBlank()) {
                throw new ConfigException(c.path + "." + prefix + "Env: the environment variable " + env
                        + " is not set or empty");
            }
            secret = secret.strip();
        }
        return username == null ? HealthCredential.bearer(secret) : HealthCredential.basic(username, secret);
    }

    private static DatabaseConfig database(Node top, String key, DatabaseConfig defaults) {
        Node db = top.child(key);
        String url = db.text("url", defaults == null ? null : defaults.url());
        if (url == null) {
            throw new ConfigException(key + ".url: missing; give a jdbc:h2: or jdbc:postgresql: URL");
        }
        DatabaseConfig config;
        try {
            config = new DatabaseConfig(url, db.text("username", ""), db.text("password", ""));
        } catch (ConfigException e) {
            throw new ConfigException(key + "." + e.getMessage());
        }
        db.done();
        return config;
    }

    private static ServiceConfig service(Node s) {
        try {
            return serviceUnchecked(s);
        } catch (ConfigException e) {
            String message = e.getMessage();
            // Messages of the nested records name their key from the service down; put the path in front.
            if (message.startsWith("kubernetes.") || message.startsWith("argoRollout.")
                    || message.startsWith("argoAction") || message.startsWith("command.") || message.startsWith("pods.")) {
                throw new ConfigException(s.path + "." + message);
            }
            throw e;
        }
    }

    private static ServiceConfig serviceUnchecked(Node s) {
        String name = s.text("name", null);
        if (name == null) {
            throw new ConfigException(s.path + ".name: missing; every service needs a name");
        }
        ExecutorConfig executor;
        long targets = Stream.of("kubernetes", "argoRollout", "command").filter(s::has).count();
        if (targets != 1) {
            throw new ConfigException(s.path + " (" + name + "): set exactly one of 'kubernetes' (a Deployment),"
                    + " 'argoRollout' (an Argo Rollouts Rollout) and 'command'" + (targets > 1
                            ? "; a service is reverted through one of them only, so remove the others" : ""));
        }
        if (s.has("argoAction") && !s.has("argoRollout")) {
            throw new ConfigException(s.path + ".argoAction (" + name + "): only applies to a service with"
                    + " 'argoRollout'");
        }
        if (s.has("kubernetes")) {
            Node k = s.child("kubernetes");
            executor = new ExecutorConfig.Kubernetes(
                    k.text("namespace", ExecutorConfig.Kubernetes.DEFAULT_NAMESPACE), k.text("deployment", name));
            k.done();
        } else if (s.has("argoRollout")) {
            Node a = s.child("argoRollout");
            executor = new ExecutorConfig.ArgoRollout(
                    a.text("namespace", ExecutorConfig.Kubernetes.DEFAULT_NAMESPACE), a.text("name", name),
                    ExecutorConfig.ArgoAction.parse("argoAction",
                            s.text("argoAction", ExecutorConfig.ArgoRollout.DEFAULT_ACTION.toString())));
            a.done();
        } else {
            Node c = s.child("command");
            executor = new ExecutorConfig.Command(c.texts("run"), c.text("namespace", ""),
                    c.bool("shell", false), c.duration("timeout", ExecutorConfig.Command.DEFAULT_TIMEOUT));
            c.done();
        }
        List<URI> urls = new ArrayList<>();
        for (String url : s.texts("healthUrls")) {
            try {
                urls.add(new URI(url));
            } catch (URISyntaxException e) {
                throw new ConfigException(s.path + ".healthUrls: '" + url + "' is not a URL: " + e.getMessage());
            }
        }
        PodDiscovery pods = null;
        if (s.has("pods")) {
            Node p = s.child("pods");
            String namespace = executor.inCluster() ? executor.namespace() : "default";
            pods = new PodDiscovery(p.text("namespace", namespace), p.text("selector", null),
                    p.integer("port", 0), p.text("path", PodDiscovery.DEFAULT_PATH));
            p.done();
        }
        String quorum = s.text("quorum", Quorum.DEFAULT.toString());
        ServiceConfig config = new ServiceConfig(name, s.integer("tier", ServiceConfig.DEFAULT_TIER),
                s.has("cooldown") ? s.duration("cooldown", null) : null, executor, urls, pods,
                Quorum.parse(s.path + ".quorum", quorum), s.integer("consecutive", 0));
        s.done();
        return config;
    }

    /**
     * Reads a duration: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d} or ISO-8601
     * ({@code PT30S}).
     *
     * @param key  the key, for the message
     * @param text the text
     * @return the duration
     * @throws ConfigException if the text is neither
     */
    public static Duration parseDuration(String key, String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        Matcher m = SIMPLE_DURATION.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw new ConfigException(key + ": '" + text + "' is not a duration; use e.g. 500ms, 30s, 5m, 2h or PT1M");
        }
    }

    /** One mapping of the YAML tree; remembers which keys were read so that unknown ones are named. */
    private static final class Node {
        private final String path;
        private final Map<String, Object> values;
        private final Set<String> read = new TreeSet<>();

        private Node(String path, Map<String, Object> values) {
            this.path = path;
            this.values = values;
        }

        static Node of(String path, Object value) {
            if (!(value instanceof Map<?, ?> map)) {
                throw new ConfigException((path.isEmpty() ? "the configuration" : path) + ": " + describe(value)
                        + " is not a mapping of keys to values");
            }
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), v));
            return new Node(path, copy);
        }

        private String key(String name) {
            return path.isEmpty() ? name : path + "." + name;
        }

        boolean has(String name) {
            return values.get(name) != null;
        }

        Node child(String name) {
            read.add(name);
            Object v = values.get(name);
            return v == null ? new Node(key(name), Map.of()) : of(key(name), v);
        }

        List<Node> list(String name) {
            read.add(name);
            Object v = values.get(name);
            if (v == null) {
                return List.of();
            }
            if (!(v instanceof List<?> items)) {
                throw new ConfigException(key(name) + ": " + describe(v) + " is not a list");
            }
            List<Node> nodes = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                nodes.add(of(key(name) + "[" + i + "]", items.get(i)));
            }
            return nodes;
        }

        String text(String name, String defaultValue) {
            read.add(name);
            Object v = values.get(name);
            if (v == null) {
                return defaultValue;
            }
            if (v instanceof Map || v instanceof List) {
                throw new ConfigException(key(name) + ": " + describe(v) + " is not a single value");
            }
            return String.valueOf(v);
        }

        List<String> texts(String name) {
            read.add(name);
            Object v = values.get(name);
            if (v == null) {
                return List.of();
            }
            if (!(v instanceof List<?> items)) {
                throw new ConfigException(key(name) + ": " + describe(v) + " is not a list");
            }
            List<String> out = new ArrayList<>();
            for (Object item : items) {
                if (item == null || item instanceof Map || item instanceof List) {
                    throw new ConfigException(key(name) + ": item " + describe(item) + " is not a single value");
                }
                out.add(String.valueOf(item));
            }
            return out;
        }

        int integer(String name, int defaultValue) {
            String t = text(name, null);
            if (t == null) {
                return defaultValue;
            }
            try {
                return Integer.parseInt(t.strip());
            } catch (NumberFormatException e) {
                throw new ConfigException(key(name) + ": '" + t + "' is not a whole number");
            }
        }

        boolean bool(String name, boolean defaultValue) {
            String t = text(name, null);
            if (t == null) {
                return defaultValue;
            }
            return switch (t.strip().toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new ConfigException(key(name) + ": '" + t + "' is not true or false");
            };
        }

        Duration duration(String name, Duration defaultValue) {
            String t = text(name, null);
            return t == null ? defaultValue : parseDuration(key(name), t);
        }

        void done() {
            Set<String> unknown = new TreeSet<>(values.keySet());
            unknown.removeAll(read);
            if (!unknown.isEmpty()) {
                String where = path.isEmpty() ? "" : path + ".";
                throw new ConfigException(where + unknown.iterator().next() + ": unknown key"
                        + (unknown.size() > 1 ? " (also unknown: " + unknown + ")" : "")
                        + "; check the spelling against the README");
            }
        }

        private static String describe(Object value) {
            if (value == null) {
                return "nothing";
            }
            if (value instanceof Map) {
                return "a mapping";
            }
            if (value instanceof List) {
                return "a list";
            }
            return "'" + value + "'";
        }
    }
}
