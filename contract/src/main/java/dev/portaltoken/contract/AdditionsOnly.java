package dev.portaltoken.contract;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The overlay's own rule, checked beside openapi-diff: the served contract is a superset of the
 * vendored one. Every member of the vendored contract is in the served one with the same value,
 * except text for people ({@code description}, {@code summary}, {@code title}) and
 * {@code info.version}; objects may gain members and arrays entries at their end, unless that
 * breaks a client of the vendored contract:
 * <ul>
 *   <li>every request it allows is still allowed: a schema a request uses ({@link Use#REQUEST})
 *       gains no constraint, only annotations and new optional properties (no new {@code required}
 *       entry, bound, length, pattern, format, enum, const, type, {@code additionalProperties},
 *       composition, ...);</li>
 *   <li>every answer it promises is still given: a schema a response uses ({@link Use#RESPONSE})
 *       is loosened nowhere (no new enum value or type, no new {@code anyOf} or {@code oneOf}
 *       alternative). Removals and changed values are refused everywhere.</li>
 * </ul>
 * A component schema is used as its references in the vendored contract's operations say (an
 * unreferenced one as both). New operations, schemas and responses are additions.
 *
 * <p>Why beside openapi-diff: openapi-diff 2.1.x does not see a changed {@code type} in an OpenAPI
 * 3.1 document (its issues 745 and 910), nor changes inside the contract's {@code oneOf} request
 * body. New required parameters and a request body made required are left to it. Stateless.
 */
public final class AdditionsOnly {
    /** Where a schema is used: what a client sends, or what it is answered. */
    enum Use {
        REQUEST, RESPONSE
    }

    private static final Set<String> TEXT = Set.of("description", "summary", "title");
    /** Schema keywords that only annotate: adding one never changes which values are valid. */
    private static final Set<String> ANNOTATIONS = Set.of("description", "title", "example", "examples", "default",
            "deprecated", "readOnly", "writeOnly", "$comment", "externalDocs", "xml", "discriminator");
    /** Schema keywords whose value is a schema, a map of schemas or a list of schemas. */
    private static final Set<String> SUBSCHEMA = Set.of("items", "additionalProperties", "not", "if", "then", "else",
            "contains", "propertyNames", "unevaluatedProperties", "unevaluatedItems", "contentSchema");
    private static final Set<String> SCHEMA_MAPS = Set.of("properties", "patternProperties", "dependentSchemas", "$defs");
    private static final Set<String> SCHEMA_LISTS = Set.of("allOf", "anyOf", "oneOf", "prefixItems");
    private static final String COMPONENT_SCHEMAS = "/components/schemas";

    private AdditionsOnly() {
    }

    /** What a node is, for the rules above; {@code uses} is empty outside requests and responses. */
    private enum Kind {
        DOCUMENT, SCHEMA, SCHEMA_MAP, SCHEMA_LIST
    }

    private record Where(Kind kind, Set<Use> uses, String key) {
        Where child(String name, String path, Map<String, Set<Use>> componentUses) {
            return switch (kind) {
                case DOCUMENT -> {
                    if (path.equals(COMPONENT_SCHEMAS + "/" + name)) {
                        yield new Where(Kind.SCHEMA, componentUses.getOrDefault(name, EnumSet.allOf(Use.class)), name);
                    }
                    Set<Use> now = ComponentUses.use(name, uses);
                    yield new Where(name.equals("schema") && !now.isEmpty() ? Kind.SCHEMA : Kind.DOCUMENT, now, name);
                }
                case SCHEMA -> new Where(SCHEMA_MAPS.contains(name) ? Kind.SCHEMA_MAP
                        : SCHEMA_LISTS.contains(name) ? Kind.SCHEMA_LIST
                        : SUBSCHEMA.contains(name) ? Kind.SCHEMA : Kind.DOCUMENT, uses, name);
                case SCHEMA_MAP, SCHEMA_LIST -> new Where(Kind.SCHEMA, uses, name);
            };
        }
    }

    /** Where the served contract changes, drops or breaks what the vendored one has; empty when it only adds. */
    public static List<String> violations(JsonNode vendored, JsonNode served) {
        List<String> found = new ArrayList<>();
        new Comparison(ComponentUses.of(vendored), found).compare(vendored, served, "",
                new Where(Kind.DOCUMENT, Set.of(), ""));
        return found;
    }

    private record Comparison(Map<String, Set<Use>> componentUses, List<String> found) {
        void compare(JsonNode vendored, JsonNode served, String at, Where where) {
            if (vendored.isObject() && served.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = vendored.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> member = it.next();
                    String path = at + "/" + member.getKey().replace("~", "~0").replace("/", "~1");
                    boolean text = TEXT.contains(member.getKey()) || path.equals("/info/version");
                    if (!served.has(member.getKey())) {
                        found.add(path + " was removed");
                    } else if (!text || !member.getValue().isTextual() || !served.get(member.getKey()).isTextual()) {
                        compare(member.getValue(), served.get(member.getKey()), path,
                                where.child(member.getKey(), path, componentUses));
                    }
                }
                added(vendored, served, at, where);
            } else if (vendored.isArray() && served.isArray() && served.size() >= vendored.size()) {
                for (int i = 0; i < vendored.size(); i++) {
                    compare(vendored.get(i), served.get(i), at + "/" + i, where.child(Integer.toString(i), at, componentUses));
                }
                if (served.size() > vendored.size()) {
                    grown(at, where);
                }
            } else if (!vendored.equals(served)) {
                found.add(at + " changed from " + vendored + " to " + served);
            }
        }

        /** Members the served contract adds to an object: a constraint on a request schema breaks its clients. */
        private void added(JsonNode vendored, JsonNode served, String at, Where where) {
            if (!where.uses().contains(Use.REQUEST) || where.kind() == Kind.DOCUMENT) {
                return;
            }
            for (Iterator<String> names = served.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (vendored.has(name)) {
                    continue;
                }
                boolean constrains = switch (where.kind()) {
                    case SCHEMA -> !ANNOTATIONS.contains(name) && !name.startsWith("x-");
                    case SCHEMA_MAP -> !where.key().equals("properties") && !where.key().equals("$defs");
                    default -> true;
                };
                if (constrains) {
                    found.add(at + "/" + name + " was added: a new constraint on what clients may send");
                }
            }
        }

        /** Entries the served contract appends to an array of a schema, where that narrows requests or widens answers. */
        private void grown(String at, Where where) {
            if (where.kind() != Kind.DOCUMENT && where.kind() != Kind.SCHEMA_LIST || where.uses().isEmpty()) {
                return;
            }
            boolean request = where.uses().contains(Use.REQUEST);
            boolean response = where.uses().contains(Use.RESPONSE);
            String why = switch (where.key()) {
                case "required", "allOf", "prefixItems" -> request ? "narrows what clients may send" : null;
                case "enum", "type", "anyOf" -> response ? "widens what clients may be answered" : null;
                case "oneOf" -> request ? "may narrow what clients may send"
                        : "widens what clients may be answered";
                default -> null;
            };
            if (why != null) {
                found.add(at + " gained entries: " + why);
            }
        }
    }
}
