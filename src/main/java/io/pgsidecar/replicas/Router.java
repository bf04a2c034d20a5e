package io.pgsidecar.replicas;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntFunction;

/** Chooses a replica for the next read among the eligible ones. */
public final class Router {

    /** The strategies a deployment may name. */
    public enum Strategy {
        ROUND_ROBIN, WEIGHTED_RANDOM, LEAST_CONNECTIONS;

        public static Optional<Strategy> parse(String name) {
            if (name == null) {
                return Optional.empty();
            }
            try {
                return Optional.of(valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_')));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final AtomicLong turn = new AtomicLong();

    /**
     * @param eligible candidates in configuration order
     * @param weight weight of each (used by weighted random)
     * @param connections active sessions seen on each (used by least connections)
     */
    public <T> Optional<T> choose(Strategy strategy, List<T> eligible, ToIntFunction<T> weight,
                                  ToIntFunction<T> connections) {
        if (eligible.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(switch (strategy) {
            case ROUND_ROBIN -> eligible.get((int) Math.floorMod(turn.getAndIncrement(), (long) eligible.size()));
            case WEIGHTED_RANDOM -> {
                long total = 0;
                for (T t : eligible) {
                    total += Math.max(0, weight.applyAsInt(t));
                }
                if (total == 0) {
                    yield eligible.get(ThreadLocalRandom.current().nextInt(eligible.size()));
                }
                long pick = ThreadLocalRandom.current().nextLong(total);
                T chosen = eligible.get(eligible.size() - 1);
                for (T t : eligible) {
                    pick -= Math.max(0, weight.applyAsInt(t));
                    if (pick < 0) {
                        chosen = t;
                        break;
                    }
                }
                yield chosen;
            }
            case LEAST_CONNECTIONS -> {
                T best = eligible.get(0);
                for (T t : eligible) {
                    if (connections.applyAsInt(t) < connections.applyAsInt(best)) {
                        best = t;
                    }
                }
                yield best;
            }
        });
    }
}
