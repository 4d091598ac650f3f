import { UserError } from '../errors.js';

/** gRPC status codes (google-gax reports HTTP errors with them) and their names, as Google's JSON errors spell them. */
const STATUS_NAMES: Record<number, string> = {
  1: 'CANCELLED',
  2: 'UNKNOWN',
  3: 'INVALID_ARGUMENT',
  4: 'DEADLINE_EXCEEDED',
  5: 'NOT_FOUND',
  6: 'ALREADY_EXISTS',
  7: 'PERMISSION_DENIED',
  8: 'RESOURCE_EXHAUSTED',
  9: 'FAILED_PRECONDITION',
  10: 'ABORTED',
  11: 'OUT_OF_RANGE',
  12: 'UNIMPLEMENTED',
  13: 'INTERNAL',
  14: 'UNAVAILABLE',
  15: 'DATA_LOSS',
  16: 'UNAUTHENTICATED',
};

const HTTP_STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/**
 * A Google API said no, or could not be reached. The message names the API and says what it
 * said, with its status (`NOT_FOUND`) and reason (`SERVICE_DISABLED`) when it gave them.
 */
export class CloudApiError extends UserError {
  constructor(
    readonly api: string,
    readonly detail: string,
    readonly status?: string,
    readonly reason?: string,
    hint?: string,
  ) {
    const tags = [status, reason].filter(Boolean).join(', ');
    super(`${api} API: ${detail}${tags ? ` (${tags})` : ''}`, hint);
  }

  get notFound(): boolean {
    return this.status === 'NOT_FOUND';
  }

  /** The API is not enabled in the project (Google says so in either of two ways). */
  get serviceDisabled(): boolean {
    return (
      this.reason === 'SERVICE_DISABLED' ||
      this.reason === 'accessNotConfigured' ||
      /has not been used in project|is disabled/i.test(this.detail)
    );
  }
}

/** The API could not be reached at all (refused, DNS, TLS, timeout). */
export class CloudUnreachableError extends CloudApiError {
  constructor(api: string, url: string, cause: string) {
    super(api, `cannot reach ${url}: ${cause}`, 'UNAVAILABLE', undefined, endpointHint(api));
  }
}

function endpointHint(api: string): string {
  const variable = `CLOUDSDK_API_ENDPOINT_OVERRIDES_${api === 'Compute' ? 'COMPUTE' : api === 'IAM' ? 'IAM' : 'SERVICEUSAGE'}`;
  return `check the network, or ${variable} if it points at a local emulator`;
}

/** An error from google-gax (a `GoogleError`), a `fetch` failure or anything else, as a `CloudApiError`. */
export function toCloudApiError(api: string, error: unknown): CloudApiError {
  if (error instanceof CloudApiError) return error;
  if (typeof error === 'object' && error !== null) {
    const fields = error as { code?: unknown; message?: unknown; reason?: unknown };
    const status = typeof fields.code === 'number' ? STATUS_NAMES[fields.code] : undefined;
    const reason = typeof fields.reason === 'string' ? fields.reason : undefined;
    const message = typeof fields.message === 'string' ? fields.message : String(error);
    return new CloudApiError(api, firstLine(message), status, reason);
  }
  return new CloudApiError(api, String(error));
}

/** The body of a Google JSON error (`{"error": {code, message, status, details}}`) as a `CloudApiError`. */
export function cloudApiErrorFromBody(api: string, httpStatus: number, body: string): CloudApiError {
  try {
    const parsed = JSON.parse(body) as {
      error?: {
        message?: string;
        status?: string;
        details?: Array<{ '@type'?: string; reason?: string }>;
        errors?: Array<{ reason?: string }>;
      };
    };
    const error = parsed.error;
    if (error?.message) {
      const info = error.details?.find((detail) => detail['@type']?.endsWith('google.rpc.ErrorInfo'));
      return new CloudApiError(
        api,
        firstLine(error.message),
        error.status ?? HTTP_STATUS_NAMES[httpStatus] ?? `HTTP ${httpStatus}`,
        // The old per-error reasons (notFound, forbidden) only repeat the status, but for this one.
        info?.reason ?? (error.errors?.[0]?.reason === 'accessNotConfigured' ? 'SERVICE_DISABLED' : undefined),
      );
    }
  } catch {
    // Not JSON: a proxy's HTML page, say.
  }
  return new CloudApiError(api, `HTTP ${httpStatus}${body ? `: ${firstLine(body).slice(0, 200)}` : ''}`, HTTP_STATUS_NAMES[httpStatus]);
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}
