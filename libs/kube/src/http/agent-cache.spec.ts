import http from 'node:http';
import https from 'node:https';
import { AgentCache, DEFAULT_MAX_REQUEST_SOCKETS, tlsFingerprint } from './agent-cache';

describe('AgentCache', () => {
  const fresh = (ca: string) => new https.Agent({ ca, cert: 'c', key: 'k' });

  it('hands out one keep-alive agent for the same TLS material', () => {
    const cache = new AgentCache();
    const a = cache.reuse(fresh('CA1'));
    const b = cache.reuse(fresh('CA1'));
    expect(a).toBe(b);
    expect((a as https.Agent & { keepAlive: boolean }).keepAlive).toBe(true);
    expect((a as https.Agent & { options: https.AgentOptions }).options.ca).toBe('CA1');
    cache.close();
  });

  it('makes a new agent when the certificates change, closing the old one', () => {
    const cache = new AgentCache();
    const a = cache.reuse(fresh('CA1'));
    const destroy = jest.spyOn(a as https.Agent, 'destroy');
    const b = cache.reuse(fresh('CA2'));
    expect(b).not.toBe(a);
    expect(destroy).toHaveBeenCalled();
    cache.close();
  });

  it('bounds the connections of requests, not of watch streams, and keeps the two apart', () => {
    const cache = new AgentCache(3);
    const material = fresh('CA1');
    const request = cache.reuse(material) as https.Agent;
    const stream = cache.reuse(material, 'stream') as https.Agent;
    expect(request).not.toBe(stream);
    expect(request.maxSockets).toBe(3);
    expect(stream.maxSockets).toBe(Infinity);
    expect(cache.reuse(material)).toBe(request);
    expect(cache.reuse(fresh('CA1'), 'stream')).toBe(stream);
    expect(new AgentCache().reuse(material)).toHaveProperty('maxSockets', DEFAULT_MAX_REQUEST_SOCKETS);
    expect(() => new AgentCache(0)).toThrow(/maxRequestSockets must be an integer >= 1/);
    cache.close();
  });

  it('leaves http and proxy agents alone', () => {
    class ProxyAgent extends https.Agent {}
    const cache = new AgentCache();
    const plain = new http.Agent();
    const proxy = new ProxyAgent();
    expect(cache.reuse(plain)).toBe(plain);
    expect(cache.reuse(proxy)).toBe(proxy);
    expect(cache.reuse(undefined)).toBeUndefined();
  });

  it('fingerprints buffers and strings of the same bytes alike, and tells apart what differs', () => {
    expect(tlsFingerprint({ ca: Buffer.from('x') })).toBe(tlsFingerprint({ ca: 'x' }));
    expect(tlsFingerprint({ ca: 'x', rejectUnauthorized: false })).not.toBe(tlsFingerprint({ ca: 'x' }));
  });
});
