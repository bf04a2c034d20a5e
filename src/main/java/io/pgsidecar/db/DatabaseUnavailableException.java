package io.pgsidecar.db;

/**
 * The monitored database cannot be reached or used right now (refused, authentication failed,
 * no free slots, a timeout, the agent's pool busy); the message names the cause.
 */
public final class DatabaseUnavailableException extends RuntimeException {

    public DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
