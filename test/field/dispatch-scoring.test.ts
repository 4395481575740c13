import { expect } from 'chai';

import { scoreCandidates, type DispatchCandidate, type DispatchRequest } from '../../server/field/dispatch-scoring.js';
import { distanceKm, etaMinutes } from '../../server/field/geo.js';

const site = { lat: 52.52, lon: 13.405 }; // Berlin centre
const near = { lat: 52.53, lon: 13.41 }; // ~1.2 km
const far = { lat: 52.4, lon: 13.05 }; // ~27 km

function tech(username: string, overrides: Partial<DispatchCandidate> = {}): DispatchCandidate {
  return { username, name: username[0]!.toUpperCase() + username.slice(1), disabled: false, skills: ['heating'], location: near, jobsToday: 0, maxJobsPerDay: 8, van: {}, ...overrides };
}

function request(overrides: Partial<DispatchRequest> = {}): DispatchRequest {
  return { requiredSkills: ['heating'], location: site, parts: [], warehouses: {}, excluded: [], ...overrides };
}

describe('Dispatch scoring', () => {
  it('given a technician without the skill, then they are not eligible and the reason names the skill', () => {
    const decision = scoreCandidates(request(), [tech('anna'), tech('boris', { skills: ['electrical'] })]);
    expect(decision.chosen).to.equal('anna');
    const boris = decision.candidates.find((c) => c.username === 'boris')!;
    expect(boris).to.include({ eligible: false, score: 0 });
    expect(boris.reasons).to.include('lacks heating skill');
    expect(decision.candidates[0]!.reasons).to.include('has heating skill');
  });

  it('given skills match case-insensitively, then a technician tagged "Heating" is eligible', () => {
    expect(scoreCandidates(request(), [tech('anna', { skills: [' Heating '] })]).chosen).to.equal('anna');
  });

  it('given two equal technicians, then the nearer one wins and the distance is in the reasons', () => {
    const decision = scoreCandidates(request(), [tech('far', { location: far }), tech('near', { location: near })]);
    expect(decision.chosen).to.equal('near');
    expect(decision.candidates[0]!.reasons.some((reason) => /^1\.\d km$/.test(reason))).to.equal(true);
  });

  it('given equal distance, then the lighter day wins; a full day is not eligible', () => {
    const decision = scoreCandidates(request(), [tech('busy', { jobsToday: 5 }), tech('free', { jobsToday: 1 }), tech('full', { jobsToday: 8 })]);
    expect(decision.candidates.map((c) => c.username)).to.deep.equal(['free', 'busy', 'full']);
    expect(decision.candidates[2]!.reasons).to.include('fully booked (8 of 8 jobs today)');
    expect(decision.candidates[2]!.eligible).to.equal(false);
  });

  it('given the part is in one van only, then that technician wins over a nearer one without it', () => {
    const parts = [{ sku: 'P-17', quantity: 1 }];
    const decision = scoreCandidates(request({ parts, warehouses: {} }), [tech('nopart', { location: site }), tech('haspart', { location: { lat: 52.56, lon: 13.45 }, van: { 'P-17': 2 } })]);
    expect(decision.chosen).to.equal('haspart');
    expect(decision.candidates[0]!.reasons).to.include('P-17 in van');
    expect(decision.candidates[1]!.reasons).to.include('parts not in stock');
  });

  it('given the part is only in a warehouse, then it earns half the parts points', () => {
    const parts = [{ sku: 'P-17', quantity: 1 }];
    const [withWarehouse] = scoreCandidates(request({ parts, warehouses: { 'P-17': 3 } }), [tech('anna')]).candidates;
    const [without] = scoreCandidates(request({ parts, warehouses: {} }), [tech('anna')]).candidates;
    const [inVan] = scoreCandidates(request({ parts, warehouses: {} }), [tech('anna', { van: { 'P-17': 1 } })]).candidates;
    expect(withWarehouse!.reasons).to.include('parts from the warehouse');
    expect(inVan!.score - withWarehouse!.score).to.be.closeTo(15, 0.11);
    expect(withWarehouse!.score - without!.score).to.be.closeTo(15, 0.11);
  });

  it('given a tie on every figure, then the user name decides, the same way every time', () => {
    const a = scoreCandidates(request(), [tech('zoe'), tech('adam')]);
    const b = scoreCandidates(request(), [tech('adam'), tech('zoe')]);
    expect(a.chosen).to.equal('adam');
    expect(b.chosen).to.equal('adam');
  });

  it('given declined and disabled technicians, then neither is chosen and nobody left says why', () => {
    const decision = scoreCandidates(request({ excluded: ['anna'] }), [tech('anna'), tech('boris', { disabled: true })]);
    expect(decision.chosen).to.equal(null);
    expect(decision.reason).to.equal('no available technician has the heating skill');
    expect(decision.candidates.find((c) => c.username === 'anna')!.reasons).to.include('declined this visit');
    expect(scoreCandidates(request(), []).reason).to.equal('no technicians exist');
  });

  it('given an unknown location, then distance scores the middle and says so', () => {
    const [candidate] = scoreCandidates(request({ location: null }), [tech('anna')]).candidates;
    expect(candidate!.distanceKm).to.equal(null);
    expect(candidate!.reasons).to.include('distance unknown');
  });

  it('measures great-circle distance and a drive time from it', () => {
    expect(distanceKm({ lat: 52.52, lon: 13.405 }, { lat: 48.1372, lon: 11.5756 })).to.be.closeTo(504, 2); // Berlin–Munich
    expect(distanceKm(site, site)).to.equal(0);
    expect(etaMinutes(0)).to.equal(5);
    expect(etaMinutes(20)).to.equal(39);
  });
});
