import { describe, expect, it, vi } from 'vitest';
import type { ReconStore } from '../../../lambdas/app/recon/ports.js';
import { deleteRecon } from '../../../lambdas/app/recon/service.js';
import { logFailure } from '../../../lambdas/observability/logger.js';

vi.mock('../../../lambdas/observability/logger.js', async (original) => ({
  ...(await original<typeof import('../../../lambdas/observability/logger.js')>()),
  logFailure: vi.fn(),
}));

import { NotFoundError } from '../../../lambdas/engine/errors.js';

/**
 * DELETE /v1/recons/{controlNumber} and the objects of large sealed sequences (issue 17): deleted
 * after the items; a failure to delete them is logged and left to the lifecycle, never an error
 * for the caller (the items, with their data keys, are gone: the objects cannot be read).
 */

function storeDeleting(deletedItems: number, sealedRefs: string[]): ReconStore {
  return { deleteControlNumber: vi.fn(async () => ({ deletedItems, sealedRefs })) } as unknown as ReconStore;
}

const REFS = ['sealed/tenant-a/CN-1/1/req-1-0.bin', 'sealed/tenant-a/CN-1/2/req-2-0.bin'];

describe('deleteRecon', () => {
  it('deletes the sealed objects the deleted items named', async () => {
    const bodies = { delete: vi.fn(async () => undefined) };
    const answer = await deleteRecon({ store: storeDeleting(3, REFS), bodies }, 'tenant-a', 'CN-1', 'req-9');
    expect(answer).toEqual({ controlNumber: 'CN-1', deleted: true, deletedItems: 3 });
    expect(bodies.delete).toHaveBeenCalledExactlyOnceWith(REFS);
  });

  it('calls the body store not at all when no item named an object', async () => {
    const bodies = { delete: vi.fn(async () => undefined) };
    await deleteRecon({ store: storeDeleting(2, []), bodies }, 'tenant-a', 'CN-1', 'req-9');
    expect(bodies.delete).not.toHaveBeenCalled();
  });

  it('answers the deletion when the objects cannot be deleted, logging the error class only', async () => {
    const failure = Object.assign(new Error(`AccessDenied on ${REFS[0]}`), { name: 'AccessDenied' });
    const bodies = { delete: vi.fn(async () => Promise.reject(failure)) };
    const answer = await deleteRecon({ store: storeDeleting(3, REFS), bodies }, 'tenant-a', 'CN-1', 'req-9');
    expect(answer.deleted).toBe(true);
    expect(logFailure).toHaveBeenCalledOnce();
    const [where, error] = vi.mocked(logFailure).mock.calls[0] ?? [];
    expect(where).toMatchObject({ route: 'DeleteRecon' });
    expect(JSON.stringify(where)).not.toContain('tenant-a');
    expect(JSON.stringify(where)).not.toContain('CN-1');
    // logFailure writes the error's class and frames, never its message (logger.ts).
    expect(error).toBe(failure);
  });

  it('is a 404 when nothing was stored, deleting no object', async () => {
    const bodies = { delete: vi.fn(async () => undefined) };
    await expect(
      deleteRecon({ store: storeDeleting(0, []), bodies }, 'tenant-a', 'CN-1', 'req-9'),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(bodies.delete).not.toHaveBeenCalled();
  });
});
