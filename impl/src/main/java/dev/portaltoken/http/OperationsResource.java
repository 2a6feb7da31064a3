package dev.portaltoken.http;

import dev.portaltoken.api.OperationsApi;
import dev.portaltoken.api.model.ChangeListenerStatus;
import dev.portaltoken.api.model.CheckStatus;
import dev.portaltoken.api.model.Health;
import dev.portaltoken.api.model.Readiness;
import dev.portaltoken.api.model.ReadinessChecks;
import dev.portaltoken.ops.ReadinessProbe;
import dev.portaltoken.api.model.ShutdownStatus;
import dev.portaltoken.metrics.Metrics;
import jakarta.ws.rs.core.Response;

/** {@code /healthz}, {@code /readyz} and {@code /metrics} as the operations spec declares them. */
final class OperationsResource implements OperationsApi {
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final ReadinessProbe readiness;
    private final Metrics metrics;

    OperationsResource(ReadinessProbe readiness, Metrics metrics) {
        this.readiness = readiness;
        this.metrics = metrics;
    }

    @Override
    public Response getHealth() {
        return Response.ok(new Health(Health.StatusEnum.OK)).build();
    }

    @Override
    public Response getReadiness() {
        ReadinessProbe.State state = readiness.state();
        Readiness body = new Readiness(
                state.ready() ? Readiness.StatusEnum.READY : Readiness.StatusEnum.NOT_READY,
                new ReadinessChecks(check(state.database()), check(state.migrations()), check(state.signingKey()))
                        .changeListener(switch (state.changeListener()) {
                            case OK -> ChangeListenerStatus.OK;
                            case RECONNECTING -> ChangeListenerStatus.RECONNECTING;
                            case NOT_DELIVERING -> ChangeListenerStatus.NOT_DELIVERING;
                        })
                        .backgroundTasks(check(state.stoppedTasks().isEmpty()))
                        .stoppedTasks(state.stoppedTasks().isEmpty() ? null : state.stoppedTasks())
                        .shutdown(state.draining() ? ShutdownStatus.DRAINING : ShutdownStatus.RUNNING));
        return Response.status(state.ready() ? 200 : 503).entity(body).build();
    }

    @Override
    public Response getMetrics() {
        return Response.ok(metrics.scrape(), PROMETHEUS_TEXT).build();
    }

    private static CheckStatus check(boolean ok) {
        return ok ? CheckStatus.OK : CheckStatus.FAILING;
    }
}
