import { expect } from 'chai';

import { VersionConflictError } from '../../server/errors.js';
import type { StockMove } from '../../server/field/field.js';
import { isoAt, makeInstance, newInstanceStep, nextStep, rejectionOf, startInstance } from './fixtures.js';
import { type CloseStore, type OpenStore, useFreshStore } from './harness.js';

export function fieldStoreContract(open: OpenStore, close: CloseStore): void {
  describe('FieldStore contract', () => {
    const store = useFreshStore(open, close);

    it("keeps technicians' profiles, replacing on a second put, and finds them by name", async () => {
      const anna = { username: 'anna', home: { address: 'Home 1', lat: 52.5, lon: 13.4 }, maxJobsPerDay: 6, hourlyRate: 55.5, updatedAt: isoAt(0) };
      await store().field.putProfile(anna);
      await store().field.putProfile({ username: 'boris', home: null, maxJobsPerDay: 8, hourlyRate: null, updatedAt: isoAt(1) });
      await store().field.putProfile({ ...anna, maxJobsPerDay: 4, updatedAt: isoAt(2) });
      expect(await store().field.getProfile('anna')).to.deep.equal({ ...anna, maxJobsPerDay: 4, updatedAt: isoAt(2) });
      expect((await store().field.profiles(['anna', 'boris', 'nobody'])).map((p) => p.username)).to.deep.equal(['anna', 'boris']);
      expect(await store().field.getProfile('nobody')).to.equal(null);
    });

    it('keeps the parts catalogue and warehouses, prices exact', async () => {
      await store().field.putPart({ sku: 'P-2', name: 'Seal', price: 4.1, createdAt: isoAt(0) });
      await store().field.putPart({ sku: 'P-1', name: 'Pump', price: 120, createdAt: isoAt(0) });
      await store().field.putPart({ sku: 'P-2', name: 'Seal kit', price: 4.2, createdAt: isoAt(5) });
      expect(await store().field.parts()).to.deep.equal([
        { sku: 'P-1', name: 'Pump', price: 120, createdAt: isoAt(0) },
        { sku: 'P-2', name: 'Seal kit', price: 4.2, createdAt: isoAt(0) },
      ]);
      await store().field.putWarehouse({ id: 'central', name: 'Central', address: 'Depot', lat: 52.4, lon: 13.3 });
      expect(await store().field.warehouses()).to.deep.equal([{ id: 'central', name: 'Central', address: 'Depot', lat: 52.4, lon: 13.3 }]);
    });

    it('moves stock with the step that made the move, and not at all when the step is refused', async () => {
      await store().field.putPart({ sku: 'P-1', name: 'Pump', price: 120, createdAt: isoAt(0) });
      await store().field.setStock('van:anna', 'P-1', 3, isoAt(0));
      const instance = makeInstance();
      const reserve: StockMove = { instanceId: instance.id, location: 'van:anna', sku: 'P-1', delta: 0, reservedDelta: 1, reason: 'reserve', at: isoAt(1) };
      await store().commitStep(newInstanceStep(instance, { stockMoves: [reserve] }));
      // a refused step (stale version) moves nothing
      const stale = nextStep({ ...instance, version: 5 }, { stockMoves: [{ ...reserve, reservedDelta: 1 }] });
      expect(await rejectionOf(store().commitStep(stale))).to.be.instanceOf(VersionConflictError);
      const use: StockMove = { ...reserve, delta: -1, reservedDelta: -1, reason: 'use', at: isoAt(2) };
      await store().commitStep(nextStep(instance, { stockMoves: [use] }));
      const [level] = await store().field.stock({ location: 'van:anna' });
      expect(level).to.deep.include({ location: 'van:anna', sku: 'P-1', quantity: 2, reserved: 0 });
      expect(await store().field.movesOf(instance.id)).to.deep.equal([reserve, use]);
      // a counted stock keeps what is reserved
      expect(await store().field.setStock('van:anna', 'P-1', 10, isoAt(3))).to.deep.include({ quantity: 10, reserved: 0 });
      expect(await store().field.stock({ skus: ['P-1', 'X'] })).to.have.length(1);
      expect(await store().field.stock({ location: 'nowhere' })).to.deep.equal([]);
    });

    it('keeps assets and lists the tickets opened for one, newest first', async () => {
      const pump = {
        id: 'PUMP-7',
        type: 'pump',
        customerEmail: 'eva@example.com',
        address: 'Mill Lane',
        lat: 52.5,
        lon: 13.4,
        requiredSkills: ['pump', 'plumbing'],
        createdAt: isoAt(0),
        updatedAt: isoAt(0),
      };
      await store().field.putAsset(pump);
      await store().field.putAsset({ ...pump, id: 'LIFT-1', type: 'lift', requiredSkills: [] });
      expect(await store().field.getAsset('PUMP-7')).to.deep.equal(pump);
      expect((await store().field.assets({ limit: 1 })).map((a) => a.id)).to.deep.equal(['LIFT-1']);
      const older = await startInstance(store(), { startedAt: isoAt(1), variables: { equipmentId: 'PUMP-7', technician: 'anna' } });
      const newer = await startInstance(store(), { startedAt: isoAt(2), variables: { equipmentId: 'PUMP-7' } });
      await startInstance(store(), { startedAt: isoAt(3), variables: { equipmentId: 'LIFT-1' } });
      const history = await store().field.ticketsOf('PUMP-7');
      expect(history.map((ticket) => ticket.instanceId)).to.deep.equal([newer.id, older.id]);
      expect(history[1]).to.deep.include({ ticketNumber: older.ticketNumber, technician: 'anna', startedAt: isoAt(1), endedAt: null });
      expect(await store().field.ticketsOf('NONE')).to.deep.equal([]);
    });
  });
}
