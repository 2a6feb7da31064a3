package dev.portaltoken.http;

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

    /** The resource model of {@code handler}'s generated interface, served by {@code handler}. */
    static Resource of(Object handler) {
        Resource model = Resource.from(handler.getClass());
        if (model == null || model.getPath() == null) {
            throw new IllegalArgumentException(handler.getClass() + " implements no JAX-RS root resource interface");
        }
        return bind(model, handler).build();
    }

    private static Resource.Builder bind(Resource model, Object handler) {
        Resource.Builder bound = Resource.builder(model.getPath());
        for (ResourceMethod method : model.getResourceMethods()) {
            bound.addMethod(method.getHttpMethod())
                    .consumes(method.getConsumedTypes())
                    .produces(method.getProducedTypes())
                    .handledBy(handler, method.getInvocable().getDefinitionMethod());
        }
        for (Resource child : model.getChildResources()) {
            bound.addChildResource(bind(child, handler).build());
        }
        return bound;
    }
}
