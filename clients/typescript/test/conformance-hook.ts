// `node --import ./conformance-hook.js program.js`: the program's fetch answers are checked against
// the OpenAPI documents (a nonconforming answer makes its fetch reject).
import { installCheckingFetch } from './conformance.js';

installCheckingFetch();
