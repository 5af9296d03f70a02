import { classifyRequest } from './routes';

const on = { blockInstanceMetadata: true };
const off = { blockInstanceMetadata: false };

describe('classifyRequest', () => {
  it.each([
    ['/metadata/identity/oauth2/token?resource=x', on, 'token'],
    ['/metadata/identity/oauth2/token/?api-version=2018-02-01&resource=x', on, 'token'],
    ['/Metadata/identity/oauth2/token', on, 'token'],
    ['/METADATA/identity/oauth2/token/', on, 'token'],
    ['//metadata/identity/oauth2/token/', on, 'token'],
    ['/metadata/Identity/oauth2/token', on, 'invalid'],
    ['/metadata/identity/OAuth2/token', on, 'invalid'],
    ['/metadata/identity\\oauth2/token', on, 'invalid'],
    ['/metadata/identity/oauth2\\token', on, 'invalid'],
    ['/metadata/identity/oauth2/tokenx', on, 'invalid'],
    ['/metadata/identity/foo/oauth2/token', on, 'invalid'],
    ['/metadata/identity/oauth2/token/extra', on, 'invalid'],
    ['/metadata/identity%2Foauth2/token', on, 'invalid'],
    ['/metadata/identity/oauth2/%74oken', on, 'invalid'],
    ['/metadata/%69nstance', on, 'blocked'],
    ['/metadata/bad%zz', on, 'invalid'],
    ['/metadata/x%5c..', on, 'invalid'],
    ['/metadata/%2e%2e/instance', on, 'invalid'],
    ['/metadata/identity/../instance/compute', on, 'invalid'],
    ['/metadata/./instance', on, 'invalid'],
    ['/host/token', on, 'host-token'],
    ['/host/token/?resource=x', on, 'host-token'],
    ['/host/tokens', on, 'proxy'],
    ['/metadata/instance?api-version=2021-10-01', on, 'blocked'],
    ['/metadata/Instance/compute', on, 'blocked'],
    ['/METADATA/instance', on, 'blocked'],
    ['/metadata/instance?api-version=2021-10-01', off, 'proxy'],
    ['/metadata/versions', on, 'proxy'],
    ['/doesnotexist', on, 'proxy'],
    ['/', on, 'proxy'],
    ['*', on, 'invalid'],
    ['http://169.254.169.254/metadata/identity/oauth2/token', on, 'invalid'],
  ])('%s (%o) → %s', (target, options, route) => {
    expect(classifyRequest(target, options).route).toBe(route);
  });

  it('collapses repeated slashes and splits the query', () => {
    expect(classifyRequest('//metadata//versions?a=1', on)).toEqual({
      route: 'proxy',
      path: '/metadata/versions',
      query: 'a=1',
    });
  });
});
