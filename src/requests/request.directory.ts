import type { UnitOfWork } from '../db/unit-of-work.js';
import { ServiceRequest } from './request.entity.js';

/**
 * A request by id for another module that decides for itself what the actor may learn of it (a
 * complaint about a refusal may come from someone who cannot read the request).
 */
export async function requestById(uow: UnitOfWork, id: string): Promise<ServiceRequest | null> {
  return uow.em.findOne(ServiceRequest, id);
}
