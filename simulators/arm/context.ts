import type { Json } from '../graph/json';
import type { ArmCaller } from './auth';
import type { ArmState } from './state';

/** What every ARM route handler receives, parsed once by the server. */
export interface ArmContext {
  state: ArmState;
  caller: ArmCaller;
  /** Simulated now, read once per call. */
  now: Date;
  method: string;
  /** Normalized scope from the URL; '' at the tenant root. */
  scope: string;
  query: URLSearchParams;
  body: Json | undefined;
  /** 'https://127.0.0.1:PORT', for nextLink. */
  baseUrl: string;
  /** Path as received, without the query. */
  pathname: string;
}

export interface ArmResponse {
  status: number;
  body?: Json;
  headers?: Record<string, string>;
}
