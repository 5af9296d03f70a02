import { parseTokenQuery } from './token-query';

describe('parseTokenQuery', () => {
  it.each([
    [
      'resource=https%3A%2F%2Fvault.azure.net',
      { resource: 'https://vault.azure.net', request: { by: 'none' } },
    ],
    [
      'api-version=2018-02-01&resource=r&client_id=C1',
      { resource: 'r', request: { by: 'clientId', value: 'C1' } },
    ],
    ['resource=r&msi_res_id=%2Fsub%2Fx', { resource: 'r', request: { by: 'resourceId', value: '/sub/x' } }],
    ['resource=r&mi_res_id=%2Fsub%2Fx', { resource: 'r', request: { by: 'resourceId', value: '/sub/x' } }],
    ['resource=r&mi_res_id=a&msi_res_id=a', { resource: 'r', request: { by: 'resourceId', value: 'a' } }],
    ['resource=r&object_id=o', { resource: 'r', request: { by: 'objectId', value: 'o' } }],
    ['resource=r&client_id=', { resource: 'r', request: { by: 'none' } }],
    ['resource=r&unknown=1&unknown=2', { resource: 'r', request: { by: 'none' } }],
  ])('%s', (query, expected) => {
    expect(parseTokenQuery(query)).toEqual(expected);
  });

  it.each([
    ['', 'missing-resource'],
    ['resource=', 'missing-resource'],
    ['resource=a&resource=b', 'bad-query'],
    ['resource=a&client_id=1&client_id=2', 'bad-query'],
    ['resource=a&client_id=1&object_id=2', 'bad-query'],
    ['resource=a&client_id=1&msi_res_id=2', 'bad-query'],
    ['resource=a&mi_res_id=1&msi_res_id=2', 'bad-query'],
    ['resource=a&api-version=1&api-version=2', 'bad-query'],
  ])('%s → %s', (query, code) => {
    expect(() => parseTokenQuery(query)).toThrow(expect.objectContaining({ code }));
  });
});
