/** TagResource, UntagResource and ListTagsForResource on group and sampling-rule ARNs. */
import { type Tags, parseTagKeys, parseTags } from '../tags/tags.js';
import { type JsonObject, reqString } from './fields.js';
import { decodeToken } from './next-token.js';
import { invalidRequest } from './xray-api-error.js';

function resourceArn(body: JsonObject): string {
  return reqString(body, 'ResourceARN', 'ResourceARN', 1011);
}

export function tagResource(tags: Tags, body: JsonObject): object {
  const arn = resourceArn(body);
  if (body.Tags === undefined || body.Tags === null) throw invalidRequest('Tags is required');
  tags.tag(arn, parseTags(body.Tags));
  return {};
}

export function untagResource(tags: Tags, body: JsonObject): object {
  const arn = resourceArn(body);
  tags.untag(arn, parseTagKeys(body.TagKeys));
  return {};
}

/** At most 50 tags per resource: one page always holds them. */
export function listTagsForResource(tags: Tags, body: JsonObject): object {
  const arn = resourceArn(body);
  decodeToken('tags', body.NextToken);
  return { Tags: tags.list(arn) };
}
