package dev.rollback.agent.config;

/**
 * Finding a service's instances as Kubernetes pods: the running pods that match a label selector,
 * whose health report is read at {@code scheme://podIP:port/path}.
 *
 * @param namespace the namespace of the pods
 * @param selector  a label selector such as {@code app=checkout}
 * @param port      the port of the health report
 * @param path      the path of the health report; default {@value #DEFAULT_PATH}, where the Spring
 *                  Boot starter serves it
 */
public record PodDiscovery(String namespace, String selector, int port, String path) {

    /** Default {@link #path()}. */
    public static final String DEFAULT_PATH = "/actuator/rollback";

    /**
     * Checks the values.
     */
    public PodDiscovery {
        ConfigChecks.requireText("pods.namespace", namespace);
        ConfigChecks.requireText("pods.selector", selector);
        if (!selector.matches("[A-Za-z0-9./_-]+(==|=)[A-Za-z0-9._-]*(,[A-Za-z0-9./_-]+(==|=)[A-Za-z0-9._-]*)*")) {
            throw new ConfigException("pods.selector: '" + selector + "' is not an equality label selector such as"
                    + " app=checkout,tier=web");
        }
        if (port < 1 || port > 65_535) {
            throw new ConfigException("pods.port: " + port + " is not a port; use 1..65535");
        }
        if (path == null || !path.startsWith("/")) {
            throw new ConfigException("pods.path: '" + path + "' must start with '/'");
        }
    }
}
