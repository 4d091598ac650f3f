import type { CloudCredentials } from './cloud-credentials.js';
import { CloudUnreachableError, cloudApiErrorFromBody } from './cloud-errors.js';

/** No single request to a Google API may hang a command: past this it fails, saying so. */
export const REQUEST_TIMEOUT_MS = 30_000;

/** What `new Headers()` takes (no DOM library here to name it). */
export type HeaderValues = ConstructorParameters<typeof Headers>[0];

export interface GoogleRequest {
  method?: string;
  headers?: HeaderValues;
  body?: string | Uint8Array;
  signal?: AbortSignal;
}

/**
 * One HTTP request to a Google API with the credentials' headers and a time limit. A request
 * that cannot be sent (refused, DNS, timeout) becomes a `CloudUnreachableError` naming the URL;
 * the response, whatever its status, is returned.
 */
export async function fetchGoogle(api: string, url: string, request: GoogleRequest, credentials: CloudCredentials): Promise<Response> {
  const headers = new Headers(request.headers);
  for (const [name, value] of Object.entries(await credentials.headers())) headers.set(name, value);
  const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  try {
    return await fetch(url, {
      method: request.method ?? 'GET',
      headers,
      signal,
      ...(request.body !== undefined && { body: request.body }),
    });
  } catch (error) {
    if (request.signal?.aborted) throw error;
    throw new CloudUnreachableError(
      api,
      new URL(url).origin,
      timeout.aborted ? `no answer in ${REQUEST_TIMEOUT_MS / 1000}s` : causeOf(error),
    );
  }
}

/** A JSON request (accept and content-type are set here); a non-2xx answer becomes a `CloudApiError` with what the API said. */
export async function googleJson<T>(
  api: string,
  url: string,
  request: Omit<GoogleRequest, 'headers'>,
  credentials: CloudCredentials,
): Promise<T> {
  const response = await fetchGoogle(
    api,
    url,
    { ...request, headers: { accept: 'application/json', ...(request.body !== undefined && { 'content-type': 'application/json' }) } },
    credentials,
  );
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    // The time limit also covers the body: an answer that stops half way is no answer.
    if (request.signal?.aborted) throw error;
    throw new CloudUnreachableError(api, new URL(url).origin, `the answer stopped before its end (${causeOf(error)})`);
  }
  if (!response.ok) throw cloudApiErrorFromBody(api, response.status, text);
  if (text === '') return {} as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new CloudUnreachableError(api, new URL(url).origin, `the answer is not JSON: ${text.slice(0, 80)}`);
  }
}

/** `fetch failed` says nothing: the cause (ECONNREFUSED, ENOTFOUND, a TLS error) does. */
function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
