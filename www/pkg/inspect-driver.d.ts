import type { Comparison, FetchStep, Inspection, KeyInfo, Note, RejectedKey, Report, VerifyOptions, KeySet } from './tokenward.js';

export declare class InspectError extends Error {
  readonly name: 'InspectError';
  /** The core's FetchStep behind the message, when there is one. */
  readonly step: FetchStep | null;
}

/** A pasted token or token response, with `header` / `claims` parsed from the JSON text. */
export type InspectionWithJson = Inspection & {
  tokens: (Inspection['tokens'][number] & { header: Record<string, unknown> | null; claims: Record<string, unknown> | null })[];
};

export interface LoadedKeys { keySet: KeySet; keys: KeyInfo[]; rejected: RejectedKey[]; notes: Note[]; }

export interface FetchOptions {
  /** Default: globalThis.fetch. The inspector page passes one confined by its CSP. */
  fetch?: (url: string, init: RequestInit) => Promise<{ status: number; text(): Promise<string> }>;
  /** Named in CORS explanations. Default: location.origin. */
  pageOrigin?: string;
}

export interface Inspector {
  /** `now` in seconds; default the JS clock. */
  inspect(text: string, options?: { now?: number }): InspectionWithJson;
  loadKeys(jwks: string | object): LoadedKeys;
  explain(token: string, keys: LoadedKeys | KeySet | null, options?: VerifyOptions): Promise<Report & { summary: string }>;
  discover(issuer: string, options?: FetchOptions): Promise<LoadedKeys & { url: string; discoveryUrl: string; jwksUri: string }>;
  fetchJwks(url: string, options?: FetchOptions): Promise<LoadedKeys & { url: string }>;
  compare(before: string, after: string): Comparison;
  describeTime(claim: string, at: number, now?: number): string;
  originOf(url: string): string | null;
}

export declare function createInspector(tokenward: object): Inspector;
