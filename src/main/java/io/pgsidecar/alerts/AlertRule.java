package io.pgsidecar.alerts;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One built-in alert rule: its defaults and how it reads the latest snapshots. A feature adds a rule
 * by returning it from an {@link AlertRuleProvider} bean; nothing else has to change.
 *
 * @param name the alert name, as in Alertmanager and the PrometheusRule ({@code SlowQuery})
 * @param unit unit of the thresholds, shown by the rules API ({@code seconds}, {@code ratio}, ...)
 * @param comparison how an observed value breaches a threshold
 * @param defaultFor default time the condition must hold before the alert fires
 * @param defaultWarning default warning threshold, or null when the rule has no warning level
 * @param defaultCritical default critical threshold, or null when the rule has no critical level
 * @param evaluator reads the latest snapshots (no database queries) and reports what breaches
 */
public record AlertRule(String name, String description, String unit, Comparison comparison, Duration defaultFor,
                        Double defaultWarning, Double defaultCritical, Evaluator evaluator) {

    public enum Comparison {
        /** value ≥ threshold breaches */
        AT_LEAST,
        /** value &gt; threshold breaches */
        ABOVE,
        /** value &lt; threshold breaches */
        BELOW;

        public boolean breaches(double value, double threshold) {
            return switch (this) {
                case AT_LEAST -> value >= threshold;
                case ABOVE -> value > threshold;
                case BELOW -> value < threshold;
            };
        }
    }

    /**
     * Thresholds in effect for one evaluation, after config overrides.
     *
     * @param limit most alerts the engine keeps from this rule: a rule with many candidates may sort
     *              and cut before it builds texts
     */
    public record Thresholds(Double warning, Double critical, int limit) {

        /** The lower of the two thresholds that are set, or null. */
        public Double lowest() {
            if (warning == null) {
                return critical;
            }
            return critical == null ? warning : Math.min(warning, critical);
        }
    }

    /**
     * Something a rule saw; the engine turns each level it breaches into an alert.
     *
     * @param labels identity beyond the alert name (for example {@code queryid}); keep them bounded
     * @param value the observed value in the rule's unit
     * @param severity null: the engine compares {@code value} with the rule's warning and critical
     *                 thresholds and raises one alert per level breached (as a PrometheusRule with two
     *                 rules would); {@code warning} or {@code critical}: the rule has decided itself
     *                 (per-subject limits such as a replica's own max lag)
     * @param threshold with an explicit severity, the limit that was breached
     */
    public record Observation(Map<String, String> labels, double value, String severity, Double threshold,
                              String summary, String description) {

        /** An observation the engine grades against the rule's thresholds. */
        public static Observation graded(Map<String, String> labels, double value, String summary,
                                         String description) {
            return new Observation(labels, value, null, null, summary, description);
        }
    }

    @FunctionalInterface
    public interface Evaluator {
        /**
         * @return the observations of this evaluation, or null when the data is not known (no poll
         *         yet, collector not running here): the rule's open alerts then stay as they are
         */
        List<Observation> evaluate(Instant now, Thresholds thresholds);
    }
}
