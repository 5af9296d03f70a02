/** Status code and message of a failed client-node call (ApiException), for assertions. */
export interface ApiFailure {
  readonly code: number;
  readonly message: string;
  readonly reason?: string;
}

export async function apiFailure(call: Promise<unknown>): Promise<ApiFailure> {
  try {
    await call;
  } catch (err) {
    const e = err as { code?: number; body?: unknown; message?: string };
    let status: { message?: string; reason?: string; code?: number } = {};
    if (typeof e.body === 'string') {
      try {
        status = JSON.parse(e.body) as typeof status;
      } catch {
        status = { message: e.body };
      }
    } else if (e.body && typeof e.body === 'object') {
      status = e.body as typeof status;
    }
    return {
      code: e.code ?? status.code ?? 0,
      message: status.message ?? e.message ?? String(err),
      reason: status.reason,
    };
  }
  throw new Error('expected the API call to fail, but it succeeded');
}
