// tokenward/inspect for the node condition: the inspector over this directory's node entry
// (tokenward/lite as exported: decode, explain and WebCrypto signatures, no Wasm crypto).
import * as tw from './node.js';
import { createInspector, InspectError } from './inspect-driver.js';

export { InspectError, createInspector };
export const { inspect, loadKeys, explain, discover, fetchJwks, compare, describeTime, originOf } = createInspector(tw);
