// tokenward/inspect for the workerd condition: the inspector over this directory's workerd entry
// (tokenward/lite as exported: decode, explain and WebCrypto signatures, no Wasm crypto).
import * as tw from './workerd.js';
import { createInspector, InspectError } from './inspect-driver.js';

export { InspectError, createInspector };
export const { inspect, loadKeys, explain, discover, fetchJwks, compare, describeTime, originOf } = createInspector(tw);
