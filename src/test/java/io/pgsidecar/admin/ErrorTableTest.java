package io.pgsidecar.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgsidecar.db.ActionExceptions;
import io.pgsidecar.partitions.PartitionExceptions;
import org.junit.jupiter.api.Test;

/** The errors the acting features share are mapped once, and each feature's use of them answers the same. */
class ErrorTableTest {

    @Test
    void sharedErrorsMapOnceToTheStatusAndCodeTheyAlwaysHad() {
        assertThat(ErrorTable.of(new ActionExceptions.UnknownTable("t", "does not exist")))
                .contains(new ErrorTable.Mapping(400, "invalid_parameter"));
        assertThat(ErrorTable.of(new ActionExceptions.BadRequest("x")))
                .contains(new ErrorTable.Mapping(400, "invalid_parameter"));
        assertThat(ErrorTable.of(PartitionExceptions.busy("public.t")))
                .contains(new ErrorTable.Mapping(409, "already_running"));
        assertThat(ErrorTable.of(new ActionExceptions.Refused("standby")))
                .contains(new ErrorTable.Mapping(422, "refused"));
    }


    @Test
    void messagesAreTheOnesUsersSawBefore() {
        assertThat(new ActionExceptions.UnknownTable("public.x", "does not exist"))
                .hasMessage("table 'public.x' does not exist");
        assertThat(PartitionExceptions.busy("public.events")).hasMessage("partitions of public.events are being "
                + "changed by another session now (the partition job, another agent or another call); try again in a "
                + "moment");
    }
}
