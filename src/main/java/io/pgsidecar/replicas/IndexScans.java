package io.pgsidecar.replicas;

import java.util.Map;

/**
 * Index scans a replica counted ({@code schema.index} to idx_scan) and how long its statistics have
 * counted (an index used weekly looks unused on a replica restarted yesterday).
 */
public record IndexScans(Map<String, Long> scans, double statsAgeSeconds) {
}
