import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { FakeXray } from '../helpers/fake-xray.js';
import { testAwsEnv } from '../helpers/sigv4-verify.js';
import { DaemonProcess } from '../helpers/daemon-process.js';
import { crossSiteFormPost, crossSiteTextPost, get, isXrayForbidden, post, reboundPage, refusals } from './browser-requests.js';

/** The attacks of issue 11 against the relay's sampling proxy: nothing refused may reach X-Ray signed. */
let xray: FakeXray;

before(async () => {
  xray = new FakeXray();
  await xray.listen();
});

after(async () => {
  await xray?.close();
});

const samplingCalls = () => xray.calls.filter((c) => c.path === '/GetSamplingRules' || c.path === '/SamplingTargets');
const TARGETS_BODY = JSON.stringify({ SamplingStatisticsDocuments: [] });

describe('relay bound to loopback (the default)', () => {
  let daemon: DaemonProcess;
  before(async () => {
    daemon = await DaemonProcess.start(['--endpoint', xray.url, '-o'], testAwsEnv());
  });
  after(async () => {
    await daemon?.stop();
  });

  test('CSRF: cross-site sampling calls are refused and the X-Ray stand-in receives nothing', async () => {
    const before = samplingCalls().length;
    for (const headers of [crossSiteTextPost(), crossSiteFormPost()]) {
      for (const [path, body] of [['/GetSamplingRules', '{}'], ['/SamplingTargets', TARGETS_BODY]]) {
        const res = await post(daemon.tcpPort, path, headers, body);
        assert.ok(isXrayForbidden(res), `${path} ${headers['content-type']}: ${res.status} ${res.body}`);
      }
    }
    // a call that does reach X-Ray afterwards proves the stand-in was listening all along
    const sdkCall = await post(daemon.tcpPort, '/GetSamplingRules', { 'content-type': 'application/json' }, '{}');
    assert.equal(sdkCall.headers['x-amzn-errortype'], 'UnknownOperationException', 'the stand-in answered');
    const calls = samplingCalls().slice(before);
    assert.equal(calls.length, 1, 'only the SDK-style call was forwarded');
    assert.equal(calls[0].signatureProblem, undefined);
  });

  test('DNS rebinding: a page named attacker.example gets 403 for sampling calls and /healthz', async () => {
    const before = samplingCalls().length;
    const res = await post(daemon.tcpPort, '/GetSamplingRules', reboundPage(daemon.tcpPort, 'POST'), '{}');
    assert.ok(isXrayForbidden(res), `${res.status} ${res.body}`);
    for (const path of ['/healthz', '/metrics']) {
      const r = await get(daemon.tcpPort, path, reboundPage(daemon.tcpPort, 'GET'));
      assert.ok(isXrayForbidden(r), `${path}: ${r.status}`);
    }
    assert.equal(samplingCalls().length, before);
    const counted = await refusals(daemon.tcpPort);
    assert.ok(counted.host >= 3 && counted.origin >= 4, JSON.stringify(counted));
  });
});

describe('relay bound beyond loopback (a sidecar or DaemonSet)', () => {
  let daemon: DaemonProcess;
  before(async () => {
    daemon = await DaemonProcess.start(['--endpoint', xray.url, '-o', '-t', '0.0.0.0:0'], testAwsEnv());
  });
  after(async () => {
    await daemon?.stop();
  });

  test('SDK sampling calls by any name are forwarded, signed, as the Go daemon does', async () => {
    const before = samplingCalls().length;
    for (const host of [`xray-service.default:${daemon.tcpPort}`, 'xray-daemon.internal', `ip-10-0-0-7.ec2.internal:${daemon.tcpPort}`]) {
      const rules = await post(daemon.tcpPort, '/GetSamplingRules', { host, 'content-type': 'application/json' }, '{}');
      assert.equal(rules.headers['x-amzn-errortype'], 'UnknownOperationException', `Host ${host}: answered by the stand-in`);
      const targets = await post(daemon.tcpPort, '/SamplingTargets', { host, 'content-type': 'application/json' }, TARGETS_BODY);
      assert.equal(targets.headers['x-amzn-errortype'], 'UnknownOperationException');
      assert.equal((await get(daemon.tcpPort, '/healthz', { host })).status, 200);
    }
    const calls = samplingCalls().slice(before);
    assert.equal(calls.length, 6);
    assert.ok(calls.every((c) => c.signatureProblem === undefined));
    assert.equal(daemon.logs.filter((l) => /beyond loopback/.test(l.msg)).length, 0, 'no exposure warning for the relay');
  });

  test('cross-site browser calls are still refused there, and reach nothing', async () => {
    const before = samplingCalls().length;
    const res = await post(daemon.tcpPort, '/GetSamplingRules', { ...crossSiteTextPost(), host: `xray-service.default:${daemon.tcpPort}` }, '{}');
    assert.ok(isXrayForbidden(res), `${res.status} ${res.body}`);
    assert.equal(samplingCalls().length, before);
  });
});
