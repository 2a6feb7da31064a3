package dev.portaltoken.contract;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The overlay's own rule, checked beside openapi-diff: it only adds. Every member of the vendored
 * contract is in the served one with the same value (objects may gain members, arrays may gain
 * entries at their end), except text for people ({@code description}, {@code summary},
 * {@code title}) and {@code info.version}.
 *
 * <p>Why beside openapi-diff: openapi-diff 2.1.x does not see a changed {@code type} in an OpenAPI
 * 3.1 document (its issues 745 and 910), nor changes inside the contract's {@code oneOf} request
 * body. Stateless.
 */
public final class AdditionsOnly {
    private static final Set<String> TEXT = Set.of("description", "summary", "title");

    private AdditionsOnly() {
    }

    /** Where the served contract changes or drops what the vendored one has; empty when it only adds. */
    public static List<String> violations(JsonNode vendored, JsonNode served) {
        List<String> found = new ArrayList<>();
        compare(vendored, served, "", found);
        return found;
    }

    private static void compare(JsonNode vendored, JsonNode served, String at, List<String> found) {
        if (vendored.isObject() && served.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = vendored.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> member = it.next();
                String path = at + "/" + member.getKey().replace("~", "~0").replace("/", "~1");
                boolean text = TEXT.contains(member.getKey()) || path.equals("/info/version");
                if (!served.has(member.getKey())) {
                    found.add(path + " was removed");
                } else if (!text || !member.getValue().isTextual() || !served.get(member.getKey()).isTextual()) {
                    compare(member.getValue(), served.get(member.getKey()), path, found);
                }
            }
        } else if (vendored.isArray() && served.isArray() && served.size() >= vendored.size()) {
            for (int i = 0; i < vendored.size(); i++) {
                compare(vendored.get(i), served.get(i), at + "/" + i, found);
            }
        } else if (!vendored.equals(served)) {
            found.add(at + " changed from " + vendored + " to " + served);
        }
    }
}
