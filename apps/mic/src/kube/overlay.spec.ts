import type { AzureAssignedIdentity } from '@pod-identity/crd-types';
import { ManualClock } from '@pod-identity/platform';
import { WriteOverlay } from './overlay';
import { rvAtLeast } from './resource-version';

const obj = (name: string, rv: string, status = 'Created'): AzureAssignedIdentity => ({
  metadata: { namespace: 'ns', name, resourceVersion: rv },
  spec: { pod: name, podNamespace: 'ns', nodename: 'n' },
  status: { status: status as 'Created' },
});

describe('WriteOverlay', () => {
  it('shows MIC its own newer writes until the cache catches up', () => {
    const clock = new ManualClock(0);
    const overlay = new WriteOverlay(clock);
    overlay.written(obj('a', '20', 'Assigned'));
    expect(overlay.merge([obj('a', '10')])[0]?.status?.status).toBe('Assigned');
    expect(overlay.merge([obj('a', '21', 'Created')])[0]?.status?.status).toBe('Created');
  });

  it('shows created objects not yet in the cache, and hides deleted ones', () => {
    const overlay = new WriteOverlay(new ManualClock(0));
    overlay.written(obj('new', '5'));
    overlay.deleted('ns', 'gone', '7');
    const merged = overlay.merge([obj('gone', '6')]);
    expect(merged.map((o) => o.metadata?.name)).toEqual(['new']);
    expect(overlay.merge([]).map((o) => o.metadata?.name)).toEqual(['new']);
  });

  it('forgets entries after a minute', () => {
    const clock = new ManualClock(0);
    const overlay = new WriteOverlay(clock);
    overlay.written(obj('a', '20', 'Assigned'));
    clock.set(61_000);
    expect(overlay.merge([obj('a', '10')])[0]?.status?.status).toBe('Created');
  });

  it('compares resource versions as integers only', () => {
    expect(rvAtLeast('100', '99')).toBe(true);
    expect(rvAtLeast('99', '100')).toBe(false);
    expect(rvAtLeast('abc', '1')).toBe(false);
  });
});
