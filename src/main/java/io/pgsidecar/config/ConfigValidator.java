package io.pgsidecar.config;

import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.quarkus.scheduler.Scheduler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Checks the configuration before anything else starts and stops start-up with one message that
 * names each bad key and its value. The checks themselves live in the features ({@link ConfigCheck}
 * beans); this class only collects them, after the values {@link EnvironmentConfigSourceFactory}
 * could not read. Type errors (a word where a number belongs) are caught by the configuration
 * system itself, with the same kind of message. Only then are scheduled jobs released.
 */
@Startup(1)
@ApplicationScoped
public class ConfigValidator {

    public ConfigValidator(Instance<ConfigCheck> checks,
                           @ConfigProperty(name = EnvironmentConfigSourceFactory.PROBLEMS_KEY) Optional<String> aliasProblems,
                           Scheduler scheduler) {
        ConfigProblems problems = new ConfigProblems();
        aliasProblems.ifPresent(p -> List.of(p.split("\n")).forEach(problems::add));
        List<ConfigCheck> ordered = new ArrayList<>();
        checks.forEach(ordered::add);
        // a stable order, so the message reads the same at every start
        ordered.sort(Comparator.comparing(c -> c.getClass().getName()));
        for (ConfigCheck check : ordered) {
            check.check(problems);
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems.message());
        }
        // The scheduler starts halted (quarkus.scheduler.start-mode): no job may run before the
        // configuration is known to be good, or a failing start-up races its own shutdown and
        // buries the one message above under stack traces from half-started collectors.
        scheduler.resume();
    }
}
