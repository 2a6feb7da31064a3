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

    /**
     * As {@link #authenticated}, served from the root path {@code ""}, each method at its whole path:
     * for an interface whose own {@code @Path} is a prefix another root resource shares (the admin
     * API's {@code /api/v1} and the contract's {@code /api/v1/customers/{id_or_alias}/portal-token}),
     * which would otherwise take every request under that prefix, Jersey choosing a root resource
     * before its methods and never going back.
     */
    static Resource authenticatedFromRoot(Object handler) {
        Resource model = model(handler);
        Resource.Builder root = Resource.builder("");
        if (!model.getResourceMethods().isEmpty()) {
            Resource.Builder own = Resource.builder(model.getPath());
            addMethods(own, model, handler, List.of(Authenticated.class));
            root.addChildResource(own.build());
        }
        for (Resource child : model.getChildResources()) {
            root.addChildResource(bind(model.getPath() + child.getPath(), child, handler,
                    List.of(Authenticated.class)).build());
        }
        return root.build();
    }

    private static Resource model(Object handler) {
        Resource model = Resource.from(handler.getClass());
        if (model == null || model.getPath() == null) {
            throw new IllegalArgumentException(handler.getClass() + " implements no JAX-RS root resource interface");
        }
        return model;
    }

    private static Resource bound(Object handler, List<Class<? extends Annotation>> nameBindings) {
        Resource model = model(handler);
        return bind(model.getPath(), model, handler, nameBindings).build();
    }

    private static Resource.Builder bind(String path, Resource model, Object handler,
                                         List<Class<? extends Annotation>> nameBindings) {
        Resource.Builder bound = Resource.builder(path);
        addMethods(bound, model, handler, nameBindings);
        for (Resource child : model.getChildResources()) {
            bound.addChildResource(bind(child.getPath(), child, handler, nameBindings).build());
        }
        return bound;
    }

    private static void addMethods(Resource.Builder bound, Resource model, Object handler,
                                   List<Class<? extends Annotation>> nameBindings) {
        for (ResourceMethod method : model.getResourceMethods()) {
            bound.addMethod(method.getHttpMethod())
                    .consumes(method.getConsumedTypes())
                    .produces(method.getProducedTypes())
                    .nameBindings(nameBindings)
                    .handledBy(handler, method.getInvocable().getDefinitionMethod());
        }
    }
}
