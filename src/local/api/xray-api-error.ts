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
  | 'InternalFailure'
  | 'TooManyTagsException'
  | 'InvalidPolicyRevisionIdException'
  | 'LockoutPreventionException'
  | 'MalformedPolicyDocumentException'
  | 'PolicyCountLimitExceededException'
  | 'PolicySizeLimitExceededException';

export class XrayApiError extends Error {
  constructor(
    readonly type: XrayErrorType,
    readonly status: number,
    message: string,
    /** Extra members of the error shape (e.g. `ResourceName` of ResourceNotFoundException). */
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
    this.name = type;
  }
}

/** A 400 of one of X-Ray's modelled client errors other than InvalidRequestException. */
export function clientError(type: XrayErrorType, message: string, fields: Record<string, string> = {}): XrayApiError {
  return new XrayApiError(type, 400, message, fields);
}

/** An ARN or token that names nothing (404, with the name as `ResourceName`). */
export function resourceNotFound(message: string, resourceName?: string): XrayApiError {
  return new XrayApiError('ResourceNotFoundException', 404, message, resourceName === undefined ? {} : { ResourceName: resourceName });
}

/** A bad field: the message names it. */
export function invalidRequest(message: string): XrayApiError {
  return new XrayApiError('InvalidRequestException', 400, message);
}

export function sendXrayError(res: ServerResponse, err: XrayApiError, headers: Record<string, string> = {}): void {
  sendJson(res, err.status, { __type: err.type, Message: err.message, ...err.fields }, { 'x-amzn-errortype': err.type, ...headers });
}
