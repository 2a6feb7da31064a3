package dev.portaltoken.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portaltoken.api.model.MeteroidEvent;
import dev.portaltoken.errors.ApiException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/**
 * Reads a webhook body from upstream: a JSON object with a string {@code type}; its other members
 * are kept as they are (which of them matter depends on the type, and newer senders add some).
 */
@Consumes(MediaType.APPLICATION_JSON)
final class MeteroidEventReader extends BoundedBodyReader<MeteroidEvent> {
    MeteroidEventReader(ObjectMapper mapper, int maxBodyBytes) {
        super(MeteroidEvent.class, mapper, maxBodyBytes);
    }

    @Override
    MeteroidEvent parse(byte[] bytes, MediaType mediaType) {
        JsonNode root = tree(bytes);
        if (root == null || !root.isObject()) {
            throw ApiException.badRequest("request body must be a JSON object, an event of Meteroid's");
        }
        JsonNode type = root.get("type");
        if (type == null || !type.isTextual()) {
            throw ApiException.badRequest("type must be the event type, a string; not "
                    + (type == null ? "missing" : describe(type)));
        }
        MeteroidEvent event = new MeteroidEvent(type.textValue());
        for (Map.Entry<String, JsonNode> member : root.properties()) {
            if (!member.getKey().equals("type")) {
                event.putAdditionalProperty(member.getKey(), member.getValue());
            }
        }
        return event;
    }
}
