package io.pgsidecar.admin;

import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * The body limit for bodies that announce no length: sent chunked (HTTP/1.1) or in frames
 * (HTTP/2). {@link AdminHttpLimits} refuses a too-large {@code Content-Length} before anything
 * runs; a body without one is counted here as it is read, before it is bound, and answered 413
 * the same way (the server's own hard limit bounds what is buffered meanwhile).
 */
@Provider
public class BodyLimit implements ReaderInterceptor {

    /** Looked up when a body is read: providers are built before the configuration is mapped. */
    private final Instance<AdminConfig> config;

    public BodyLimit(Instance<AdminConfig> config) {
        this.config = config;
    }

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext ctx) throws IOException {
        int max = config.get().maxBodyBytes();
        byte[] body = ctx.getInputStream().readNBytes(max + 1);
        if (body.length > max) {
            throw new WebApplicationException("request body larger than " + max + " bytes", 413);
        }
        ctx.setInputStream(new ByteArrayInputStream(body));
        return ctx.proceed();
    }
}
