import { IDENTITY_TYPES } from '@pod-identity/crd-types';
import {
  assignedBackend,
  effectiveBackend,
  IDENTITY_BACKEND_ANNOTATION,
  isIdentityBackend,
  podServiceAccount,
  serviceAccountSubject,
} from './identity-backend';

describe('effectiveBackend', () => {
  it("uses the identity's own field over the cluster default", () => {
    expect(effectiveBackend({ type: IDENTITY_TYPES.UserAssignedMSI, backend: 'Federated' }, 'VM')).toBe(
      'Federated',
    );
    expect(effectiveBackend({ type: IDENTITY_TYPES.UserAssignedMSI, backend: 'VM' }, 'Federated')).toBe('VM');
  });

  it('falls back to the cluster default when the field is unset (old manifests keep VM by default)', () => {
    expect(effectiveBackend({ type: IDENTITY_TYPES.UserAssignedMSI }, 'VM')).toBe('VM');
    expect(effectiveBackend({}, 'Federated')).toBe('Federated');
    expect(effectiveBackend(undefined, 'VM')).toBe('VM');
  });

  it('never makes a service principal federated, whatever the default says', () => {
    expect(effectiveBackend({ type: IDENTITY_TYPES.ServicePrincipal }, 'Federated')).toBe('VM');
    expect(
      effectiveBackend(
        { type: IDENTITY_TYPES.ServicePrincipalCertificate, backend: 'Federated' },
        'Federated',
      ),
    ).toBe('VM');
  });

  it('ignores a value the schema would have refused', () => {
    expect(effectiveBackend({ backend: 'federated' }, 'VM')).toBe('VM');
    expect(isIdentityBackend('federated')).toBe(false);
  });
});

describe('assignedBackend', () => {
  it("reads MIC's annotation; objects without it are VM-backed", () => {
    expect(assignedBackend({ annotations: { [IDENTITY_BACKEND_ANNOTATION]: 'Federated' } })).toBe(
      'Federated',
    );
    expect(assignedBackend({ annotations: { [IDENTITY_BACKEND_ANNOTATION]: 'bogus' } })).toBe('VM');
    expect(assignedBackend({})).toBe('VM');
    expect(assignedBackend(undefined)).toBe('VM');
  });
});

describe('ServiceAccount subject', () => {
  it('is the Kubernetes token subject, with "default" for pods that name none', () => {
    expect(serviceAccountSubject('team-a', podServiceAccount('reader'))).toBe(
      'system:serviceaccount:team-a:reader',
    );
    expect(serviceAccountSubject('team-a', podServiceAccount(undefined))).toBe(
      'system:serviceaccount:team-a:default',
    );
    expect(podServiceAccount('')).toBe('default');
  });
});
