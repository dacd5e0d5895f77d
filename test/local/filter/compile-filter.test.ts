import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileFilter } from '../../../src/local/filter/index.js';
import { ALL, FIXTURES } from './fixtures.js';

function matching(expression: string): string[] {
  const matches = compileFilter(expression);
  return ALL.filter((label) => matches(FIXTURES[label]));
}

const except = (...labels: string[]): string[] => ALL.filter((l) => !labels.includes(l));

/** [expression, labels of the fixture traces it must match, in fixture order] */
const CASES: [string, string[]][] = [
  // boolean keywords: bare, !x, x = true/false, x != ...
  ['ok', ['webOk', 'twoRoots']],
  ['!ok', ['webFault', 'workerPartial', 'apiThrottled', 'ddbSample']],
  ['ok = false', ['webFault', 'workerPartial', 'apiThrottled', 'ddbSample']],
  ['error', ['webFault', 'workerPartial', 'apiThrottled']],
  ['fault', ['webFault', 'apiThrottled', 'ddbSample']],
  ['throttle = true', ['webFault', 'apiThrottled']],
  ['fault = true AND throttle != true', ['ddbSample']],
  ['partial', ['workerPartial']],
  ['inferred', ['webFault', 'workerPartial', 'apiThrottled', 'ddbSample']],
  ['remote', ['webFault', 'ddbSample']],
  ['root', except('workerPartial')],
  ['first', []],
  ['!last', ALL],
  // number keywords
  ['responsetime > 1', ['webFault', 'twoRoots']],
  ['responsetime <= 0.05', ['apiThrottled']],
  ['responsetime = 0.5', ['webOk']],
  ['duration >= 3', ['twoRoots']],
  ['duration < 1 AND duration > 0.6', ['workerPartial']],
  ['http.status = 500', ['webFault']],
  ['http.status >= 400', ['webFault', 'apiThrottled']],
  ['http.status != 200', except('webOk', 'twoRoots')],
  ['index = 0 OR coverage > 0', []],
  // string keywords
  ['http.url = "https://shop.example.com/cart"', ['webOk']],
  ['http.url BEGINSWITH "https://shop.example.com/"', ['webOk', 'webFault']],
  ['http.url ENDSWITH "/checkout"', ['webFault']],
  ['http.url CONTAINS "/v2/"', []],
  ['http.method = "POST"', ['webFault']],
  ['http.method != "GET"', ['webFault', 'workerPartial', 'ddbSample']],
  ['http.useragent CONTAINS "\\"quoted\\""', ['apiThrottled']],
  ['http.clientip = "10.0.0.2"', ['apiThrottled']],
  ['user = "alice"', ['webOk', 'apiThrottled']],
  ['user != "alice"', except('webOk', 'apiThrottled')],
  ['user = "xraysegmentdump"', ['ddbSample']],
  ['name = "api.example.com"', ['webOk', 'apiThrottled']],
  ['name = "orders"', ['webFault']],
  ['name = "backend.example.com"', ['apiThrottled']],
  ['type = "AWS::ECS::Container"', ['webOk', 'workerPartial', 'apiThrottled']],
  ['type = "AWS::DynamoDB::Table"', ['webFault', 'ddbSample']],
  ['type = "remote"', ['apiThrottled']],
  ['message CONTAINS "Rate exceeded"', ['webFault']],
  ['message BEGINSWITH "ResourceNotFoundException"', ['ddbSample']],
  ['availabilityzone = "us-east-1a" AND instance.id = "i-0abc"', ['webOk']],
  ['resource.arn ENDSWITH "task/abc"', ['workerPartial']],
  ['http.url = "HTTPS://SHOP.EXAMPLE.COM/CART"', []],
  // annotations: bare = present; the literal's type picks the comparison
  ['annotation.tenant', ['webOk', 'workerPartial', 'apiThrottled']],
  ['annotation.tenant = "acme"', ['webOk']],
  ['annotation.tenant BEGINSWITH "acme"', ['webOk', 'apiThrottled']],
  ['annotation.tenant != "acme"', except('webOk')],
  ['annotation.tenant = 5', []],
  ['annotation.attempt > 1', ['webFault', 'workerPartial', 'apiThrottled']],
  ['annotation.attempt = 1', ['webOk']],
  ['annotation.beta = false', ['apiThrottled']],
  ['annotation.beta = true', ['webOk']],
  ['annotation.DDB.DescribeExistingTableAndPutToMissingTable.Annotation = "anno"', ['ddbSample']],
  ['annotation.constructor OR annotation.toString', []],
  // service()
  ['service("api.example.com")', ['webOk', 'apiThrottled']],
  ['!service("api.example.com")', except('webOk', 'apiThrottled')],
  ['service("api.example.com") { throttle }', ['apiThrottled']],
  ['service("web") { fault = true OR responsetime > 2 }', ['webFault']],
  ['service() { fault }', ['webFault', 'apiThrottled', 'ddbSample']],
  ['service() { error }', ['webFault', 'workerPartial', 'apiThrottled']],
  ['service()', ALL],
  ['service(id(name: "api.example.com", type: "AWS::ECS::Container"))', ['webOk', 'apiThrottled']],
  ['service(id(type: "AWS::EC2::Instance")) { root }', ['webOk', 'webFault']],
  ['service("worker") { root }', []],
  ['id(type: "AWS::S3")', ['workerPartial']],
  ['id(name: "web") { fault }', ['webFault']],
  ['id(name: "xray_sample_table", type: "AWS::DynamoDB::Table")', ['ddbSample']],
  ['service("web") { first }', ['webOk', 'webFault']],
  ['service("web") { last }', ['twoRoots']],
  ['service("web") { index = 1 }', ['twoRoots']],
  ['service("api.example.com") { coverage < 0.5 }', ['webOk']],
  ['service("worker") { partial }', ['workerPartial']],
  ['service("S3") { inferred AND http.status = 404 }', ['workerPartial']],
  ['service("api.example.com") { user = "alice" }', ['apiThrottled']],
  ['service("web") { annotation.tenant = "acme" }', ['webOk']],
  ['service("DDB") { message CONTAINS "Requested resource" }', ['ddbSample']],
  // edge()
  ['edge("web", "api.example.com")', ['webOk']],
  ['edge("api.example.com", "web")', []],
  ['edge("web", "api.example.com") { http.url CONTAINS "/v2/" }', ['webOk']],
  ['edge("web", "orders") { throttle AND remote }', ['webFault']],
  ['edge("api.example.com", "backend.example.com") { fault = true }', ['apiThrottled']],
  ['edge("worker", "S3") { error }', ['workerPartial']],
  ['edge("DDB", "does_not_exist") { fault }', ['ddbSample']],
  ['edge("DDB", "xray_sample_table") { fault }', []],
  ['edge("DDB", "xray_sample_table") { http.status = 200 }', ['ddbSample']],
  ['edge(id(name: "DDB"), id(type: "AWS::DynamoDB::Table"))', ['ddbSample']],
  // AND / OR / NOT, precedence NOT > AND > OR, juxtaposition = AND, case-insensitivity
  ['fault OR error AND partial', ['webFault', 'workerPartial', 'apiThrottled', 'ddbSample']],
  ['(fault OR error) AND partial', ['workerPartial']],
  ['NOT fault AND error', ['workerPartial']],
  ['NOT (fault AND error)', ['webOk', 'workerPartial', 'twoRoots', 'ddbSample']],
  ['!!ok', ['webOk', 'twoRoots']],
  ['ok !partial duration <3', ['webOk']],
  ['http.status>=500', ['webFault']],
  ['duration<3 AND fault=true AND responsetime>-1', ['webFault', 'apiThrottled', 'ddbSample']],
  ['FAULT and HTTP.STATUS = 500 Or Partial', ['webFault', 'workerPartial']],
  ['http.url beginswith "https://shop" aNd NoT Service("api.example.com")', ['webFault']],
  ['http.url BEGINSWITH "http://api.example.com/" AND !service("web")', ['apiThrottled']],
  ['service("api.example.com") { fault = true OR responsetime > 0.1 } AND annotation.tenant = "acme"', ['webOk']],
];

describe('compileFilter: which fixture traces match', () => {
  for (const [expression, expected] of CASES) {
    it(expression, () => {
      assert.deepEqual(matching(expression), expected);
    });
  }
});
