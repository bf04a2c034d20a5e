package io.pgsidecar.devdb;

import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.SmallRyeConfigBuilderCustomizer;

/**
 * Adds {@link DevDatabaseConfigSourceFactory} to the agent's configuration wherever devdb is on the
 * class path: the {@code embedded} Maven profile, dev mode with it, and the tests.
 *
 * <p>It is registered as a customizer, not in {@code META-INF/services/io.smallrye.config.ConfigSourceFactory},
 * because the agent's own file of that name (for {@code EnvironmentConfigSourceFactory}) is in
 * {@code src/main/resources}: with {@code -Pembedded} both resource roots are copied into
 * {@code target/classes}, where one file of a name overwrites the other and a registration is lost.
 */
public final class DevDatabaseConfigCustomizer implements SmallRyeConfigBuilderCustomizer {

    @Override
    public void configBuilder(SmallRyeConfigBuilder builder) {
        builder.withSources(new DevDatabaseConfigSourceFactory());
    }
}
