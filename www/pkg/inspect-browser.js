// tokenward/inspect for the browser condition: the inspector over this directory's browser entry
// (tokenward/lite as exported: decode, explain and WebCrypto signatures, no Wasm crypto).
import * as tw from './browser.js';
import { createInspector, InspectError } from './inspect-driver.js';

export { InspectError, createInspector };
export const { inspect, loadKeys, explain, discover, fetchJwks, compare, describeTime, originOf } = createInspector(tw);
