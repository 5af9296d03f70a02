import { tokenFileText } from './control-plane';

describe('the apiserver token file', () => {
  it('writes token,user,uid,"groups" lines, one per identity', () => {
    expect(
      tokenFileText([
        { token: 'a1', user: 'admin', groups: ['system:masters'] },
        { token: 'b2', user: 'system:node:n1', groups: ['system:nodes', 'extra'] },
        { token: 'c3', user: 'system:kube-proxy' },
      ]),
    ).toBe(
      'a1,admin,admin,"system:masters"\nb2,system:node:n1,system:node:n1,"system:nodes,extra"\nc3,system:kube-proxy,system:kube-proxy,""\n',
    );
  });
});
