package dev.portaltoken.http;

import java.lang.annotation.Annotation;
import java.util.List;
import org.glassfish.jersey.server.model.Resource;
import org.glassfish.jersey.server.model.ResourceMethod;

/**
 * Registers an instance that implements a generated JAX-RS interface. Jersey reads paths, methods,
 * media types and parameters from the interface, but only accepts a class (not an instance) whose
 * {@code @Path} sits on an interface; this builds the same model bound to the given instance.
 */
final class ContractResources {
    private ContractResources() {
    }

    /** The resource model of {@code handler}'s generated interface, served by {@code handler}, open to anyone. */
    static Resource of(Object handler) {
        return bound(handler, List.of());
    }

    /**
     * As {@link #of}, with every method of it requiring a key: the filters {@link Authenticated}
     * binds run for each of them.
     */
    static Resource authenticated(Object handler) {
        return bound(handler, List.of(Authenticated.class));
    }

    /** As {@link #of}, every method of it authenticated by a webhook signature ({@link SignedWebhook}). */
    static Resource signedWebhook(Object handler) {
        return bound(handler, List.of(SignedWebhook.class));
    }

    private static Resource bound(Object handler, List<Class<? extends Annotation>> nameBindings) {
        Resource model = Resource.from(handler.getClass());
        if (model == null || model.getPath() == null) {
            throw new IllegalArgumentException(handler.getClass() + " implements no JAX-RS root resource interface");
        }
        return bind(model, handler, nameBindings).build();
    }

    private static Resource.Builder bind(Resource model, Object handler,
                                         List<Class<? extends Annotation>> nameBindings) {
        Resource.Builder bound = Resource.builder(model.getPath());
        for (ResourceMethod method : model.getResourceMethods()) {
            bound.addMethod(method.getHttpMethod())
                    .consumes(method.getConsumedTypes())
                    .produces(method.getProducedTypes())
                    .nameBindings(nameBindings)
                    .handledBy(handler, method.getInvocable().getDefinitionMethod());
        }
        for (Resource child : model.getChildResources()) {
            bound.addChildResource(bind(child, handler, nameBindings).build());
        }
        return bound;
    }
}
