package io.pgsidecar.config;

import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Who this agent is among the sidecars of one database: the pod name in Kubernetes. */
@ApplicationScoped
public class InstanceInfo {

    private final String name;

    public InstanceInfo(@ConfigProperty(name = "pgsidecar.instance-name") Optional<String> configured) {
        this.name = configured.filter(s -> !s.isBlank())
                .or(() -> Optional.ofNullable(System.getenv("HOSTNAME")).filter(s -> !s.isBlank()))
                .orElseGet(InstanceInfo::localHostName);
    }

    public String name() {
        return name;
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "pgsidecar-" + ProcessHandle.current().pid();
        }
    }
}
