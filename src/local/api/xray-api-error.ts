/**
 * Errors of the local X-Ray API, in X-Ray's shape: the type in the `x-amzn-ErrorType` header and
 * in the body as `__type`, with a `Message` (what `@aws-sdk/client-xray` and the aws cli parse).
 */
import type { ServerResponse } from 'node:http';
import { sendJson } from '../../http/route.js';

export type XrayErrorType =
  | 'InvalidRequestException'
  | 'RuleLimitExceededException'
  | 'ThrottledException'
  | 'ResourceNotFoundException'
  | 'UnknownOperationException'
  | 'RequestEntityTooLargeException'
  | 'RequestTimeoutException'
  | 'InternalFailure';

export class XrayApiError extends Error {
  constructor(
    readonly type: XrayErrorType,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

/** A bad field: the message names it. */
export function invalidRequest(message: string): XrayApiError {
  return new XrayApiError('InvalidRequestException', 400, message);
}

export function sendXrayError(res: ServerResponse, err: XrayApiError, headers: Record<string, string> = {}): void {
  sendJson(res, err.status, { __type: err.type, Message: err.message }, { 'x-amzn-errortype': err.type, ...headers });
}
