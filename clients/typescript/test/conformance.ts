// Checks every HTTP answer the TypeScript suite receives against the OpenAPI documents the server
// serves (openapi/*.yaml at the repository root), as the Java tests' support/Conformance does: the
// operation is found by method and raw path; the status must be one it declares, the Content-Type
// one of the declared media types, and a JSON body must validate (JSON Schema 2020-12) against the
// declared schema, $refs across documents included. A path or method no document declares must be
// answered with an error status and the contract's RestErrorResponse. HEAD is GET without a body.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';

// This file runs as clients/typescript/target/js/test/conformance.js.
const SPEC_DIR = fileURLToPath(new URL('../../../../../openapi/', import.meta.url));
const CONTRACT = 'meteroid-portal-token.openapi.yaml';
const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

interface Operation {
  spec: string;
  template: string;
  pattern: RegExp;
  method: string;
  operationId: string;
  /** By status; `at` is the JSON Pointer fragment of the response object (a local $ref followed). */
  responses: Record<string, { content?: Record<string, unknown>; at: string }>;
}

type Responses = Record<string, { content?: Record<string, unknown>; $ref?: string }>;

const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
ajv.addFormat('date-time', { type: 'string', validate: (s: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i.test(s) && !Number.isNaN(Date.parse(s)) });
ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);

const specs = readdirSync(SPEC_DIR).filter((name) => name.endsWith('.yaml')).sort();
const operations: Operation[] = [];
const templates: { template: string; pattern: RegExp }[] = [];
for (const spec of specs) {
  const document = parse(readFileSync(SPEC_DIR + spec, 'utf8')) as {
    paths?: Record<string, Record<string, { operationId?: string; responses?: Responses }>>;
  };
  ajv.addSchema(document as object, idOf(spec));
  for (const [template, item] of Object.entries(document.paths ?? {})) {
    const pattern = new RegExp('^' + template.split(/\{[^}/]+\}/).map(escapeRegExp).join('[^/]+') + '$');
    templates.push({ template, pattern });
    for (const [method, operation] of Object.entries(item)) {
      if (METHODS.has(method)) {
        operations.push({ spec, template, pattern, method, operationId: operation.operationId ?? '?',
          responses: responsesOf(document, `#/paths/${pointer(template)}/${method}/responses`, operation.responses ?? {}) });
      }
    }
  }
}
if (!specs.includes(CONTRACT) || operations.length === 0) {
  throw new Error(`no OpenAPI documents in ${SPEC_DIR}`);
}

/** Each response where it is written: a response given as a local $ref (`#/components/responses/X`) is followed. */
function responsesOf(document: object, at: string, responses: Responses): Operation['responses'] {
  const resolved: Operation['responses'] = {};
  for (const [code, response] of Object.entries(responses)) {
    if (response.$ref?.startsWith('#/')) {
      const target = response.$ref.slice(2).split('/').map((t) => decodeURIComponent(t).replace(/~1/g, '/').replace(/~0/g, '~'))
        .reduce<unknown>((node, token) => (node as Record<string, unknown> | undefined)?.[token], document);
      if (target === undefined) {
        throw new Error(`unresolved response ${response.$ref}`);
      }
      resolved[code] = { ...(target as { content?: Record<string, unknown> }), at: response.$ref };
    } else {
      resolved[code] = { ...response, at: `${at}/${pointer(code)}` };
    }
  }
  return resolved;
}

function idOf(spec: string): string {
  return pathToFileURL(SPEC_DIR + spec).href;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** JSON Pointer escaping (RFC 6901) of one token, then URI-fragment encoding. */
function pointer(token: string): string {
  return encodeURIComponent(token.replace(/~/g, '~0').replace(/\//g, '~1'));
}

function baseType(contentType: string): string {
  return contentType.split(';')[0]!.trim().toLowerCase();
}

function fail(context: string, problem: string, body: string): never {
  // Bodies are shown only without tokens and keys.
  const shown = body.replace(/eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*(\.[A-Za-z0-9_-]*)?/g, '<jws masked>')
    .replace(/pt_(live|admin|portal)_[A-Za-z0-9]*(\/[A-Za-z0-9]*)?/g, 'pt_$1_<key masked>').slice(0, 500);
  throw new Error(`contract conformance: ${context} ${problem}\n  body: ${shown}`);
}

function validate(context: string, ref: string, body: string): void {
  const schema = ajv.getSchema(ref);
  if (!schema) {
    throw new Error(`no schema at ${ref}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    fail(context, `the body is not JSON but ${ref} is declared`, body);
  }
  if (!schema(json)) {
    fail(context, `the body does not match ${ref}: ${ajv.errorsText(schema.errors)}`, body);
  }
}

/** Answers checked on their way through fetch (the suite asserts there were many: the check is in the way). */
export let checked = 0;

/** Throws when the answer to `method rawPath` does not conform; `rawPath` is percent-encoded, without query. */
export function check(method: string, rawPath: string, status: number, contentType: string | null, body: string): void {
  const head = method === 'HEAD';
  const m = method === method.toUpperCase() ? method.toLowerCase() : `\u0000${method}`;
  const matching = templates.filter((t) => t.pattern.test(rawPath)).map((t) => t.template);
  const operation = operations.find((o) => matching.includes(o.template) && o.method === (head ? 'get' : m));
  const request = `${method} ${rawPath}`;
  if (!operation) {
    const context = `${request} (${matching.length === 0 ? 'no documented path matches' : `no ${method} operation`})`;
    if (status < 400) {
      fail(context, `answered HTTP ${status}; an undocumented route or method must be an error`, body);
    }
    if (head) {
      return;
    }
    if (contentType === null || baseType(contentType) !== 'application/json') {
      fail(context, `HTTP ${status} with Content-Type ${contentType}; errors are RestErrorResponse JSON`, body);
    }
    validate(context, `${idOf(CONTRACT)}#/components/schemas/RestErrorResponse`, body);
    return;
  }
  const context = `${request} as ${operation.method.toUpperCase()} ${operation.template} (${operation.operationId} in ${operation.spec})`;
  const code = String(status);
  const key = [code, `${code[0]}XX`, 'default'].find((k) => k in operation.responses);
  if (key === undefined) {
    fail(context, `answered HTTP ${status}, a status it does not declare (declared: ${Object.keys(operation.responses).join(', ')})`, body);
  }
  const content = operation.responses[key]!.content ?? {};
  if (head || Object.keys(content).length === 0) {
    if (body !== '') {
      fail(context, `HTTP ${status} ${head ? 'to a HEAD' : 'declares no content'} but a body came`, body);
    }
    return;
  }
  const actual = contentType === null ? null : baseType(contentType);
  const declared = Object.keys(content).find((t) => t.toLowerCase() === actual);
  if (declared === undefined) {
    fail(context, `HTTP ${status} with Content-Type ${contentType}, declared: ${Object.keys(content).join(', ')}`, body);
  }
  if (declared === 'application/json' || declared.endsWith('+json')) {
    validate(`${context}, HTTP ${status}`, `${idOf(operation.spec)}${operation.responses[key]!.at}`
      + `/content/${pointer(declared)}/schema`, body);
  }
}

/**
 * Replaces the global fetch (which the generated client and jose's remote JWKS use) with one that
 * checks each answer before handing it on, unread.
 */
export function installCheckingFetch(): void {
  const original = globalThis.fetch;
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    const url = new URL(input instanceof Request ? input.url : input);
    const response = await original(input, init);
    const body = await response.clone().text();
    check(method, url.pathname, response.status, response.headers.get('content-type'), body);
    checked++;
    return response;
  };
}
