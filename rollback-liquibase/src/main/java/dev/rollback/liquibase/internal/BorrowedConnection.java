package dev.rollback.liquibase.internal;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;

/**
 * A data source that hands out one connection someone else owns (Liquibase's, inside a change),
 * whose {@code close()} does nothing.
 */
public final class BorrowedConnection extends PlainDataSource {

    private final Connection connection;

    /**
     * @param owned the connection, closed by its owner
     */
    public BorrowedConnection(Connection owned) {
        this.connection = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        return null;
                    }
                    try {
                        return method.invoke(owned, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Override
    public Connection getConnection() {
        return connection;
    }

    @Override
    public Connection getConnection(String username, String password) {
        return connection;
    }
}
